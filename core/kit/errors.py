"""Domain errors; the API maps each to one HTTP status in a single handler."""


class DustwatchError(Exception):
    """Base of the expected conditions that a caller can act on."""


class NotFound(DustwatchError):
    pass


class Conflict(DustwatchError):
    pass


class Forbidden(DustwatchError):
    pass


class InvalidInput(DustwatchError):
    pass
