"""Domain errors; the API maps each to one HTTP status in a single handler."""


class DustwatchError(Exception):
    """Base of the expected conditions that a caller can act on."""

    keeps_changes: bool = False
    """When True the boundary commits what was flushed before the error (a failed sign-in
    counts towards a lock-out even though the request fails); otherwise it rolls back."""


class NotFound(DustwatchError):
    pass


class Conflict(DustwatchError):
    pass


class Forbidden(DustwatchError):
    pass


class InvalidInput(DustwatchError):
    pass


class Unauthenticated(DustwatchError):
    """No valid credentials: unknown, expired or revoked token, or a refused sign-in."""
