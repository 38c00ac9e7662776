"""A refused report says which field is wrong, so that a form can show the reason beside it."""

from __future__ import annotations

from core.kit.errors import InvalidInput


class ReportRefused(InvalidInput):
    """422 in the API; `field` and `code` let a page put a translated message by the field."""

    def __init__(self, message: str, *, field: str, code: str, **values: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.values = values
