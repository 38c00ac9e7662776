"""A facility's compliance: its monitors' daily means against the Thai standards of each day."""
