"""Nothing of access is exposed on its own; callers are described by `core.accounts`."""
