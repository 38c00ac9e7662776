"""Stations: registration, visibility, lookup."""
