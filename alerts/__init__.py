"""Out: the scheduler that turns indicators into alerts (and, later, bulletins and delivery)."""
