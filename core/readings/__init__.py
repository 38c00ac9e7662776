"""Readings in (any format, one pipeline) and out (queries)."""
