"""Complaints from villagers: submission with readings as evidence, routing to who can act,
and the lifecycle the reporter follows through a private link."""
