"""Form and upload handling shared by the JSON routes that take a form with an optional
photo (volunteers' reports, complaints, Open311 requests)."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from core.reports.service import Storage
from core.settings import Settings

M = TypeVar("M", bound=BaseModel)


def storage_of(settings: Settings) -> Storage:
    return Storage(dir=settings.storage.dir, max_photo_bytes=settings.storage.max_photo_bytes)


def validated(model: type[M], values: dict[str, Any]) -> M:
    """`values` as `model`, or the usual 422 naming each refused field (`body.<field>`)."""
    try:
        return model.model_validate({k: v for k, v in values.items() if v not in (None, "")})
    except ValidationError as error:
        raise RequestValidationError(
            [dict(problem) | {"loc": ("body", *problem["loc"])} for problem in error.errors()]
        ) from None


def read_photo(photo: UploadFile | None, max_bytes: int) -> bytes | None:
    """At most one byte over the limit is read: enough to know it is too large."""
    if photo is None:
        return None
    data = photo.file.read(max_bytes + 1)
    return data or None  # a form's empty file field: no photo
