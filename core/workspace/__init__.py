"""What each person's own page shows: their stations, their alerts, their work."""
