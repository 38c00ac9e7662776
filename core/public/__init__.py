"""What anyone may see: the public status of air quality."""
