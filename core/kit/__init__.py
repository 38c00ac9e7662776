"""Domain-free helpers: database types and engines, time, the job lock, health, ports, errors."""
