"""Shared targets of the common agenda, their progress computed from the indicators."""
