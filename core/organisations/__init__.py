"""The stakeholder registry: organisations, their groups, areas and contacts."""
