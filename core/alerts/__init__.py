"""Alerts: opened, kept up to date and resolved from the indicators."""
