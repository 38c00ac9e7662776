"""The `dustwatch` command: composes the domain with the API, ingest and alert adapters."""
