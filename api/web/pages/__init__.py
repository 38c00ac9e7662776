"""One thin module per page or group of pages."""
