"""Photos sent with reports: recognised by their first bytes, kept under a random name.

The name and type a phone sends are not trusted: a text file called `dust.jpg` is refused,
and the stored name says nothing about the sender or the place."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from core.kit.errors import InvalidInput
from core.reports.errors import ReportRefused

PHOTO_DIR = "photos"
STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{32}\.(jpg|png|webp)$")


@dataclass(frozen=True)
class StoredPhoto:
    file_name: str
    media_type: str
    size: int


def photo_type(data: bytes) -> tuple[str, str] | None:
    """(media type, extension) from the file's signature, or None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def describe_size(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def check_photo(data: bytes, *, max_bytes: int) -> tuple[str, str]:
    """Raises InvalidInput, saying why, for a photo too large or not a JPEG, PNG or WebP."""
    if len(data) > max_bytes:
        size = describe_size(max_bytes)
        raise ReportRefused(
            f"the photo is larger than {size}", field="photo", code="photo_too_large", size=size
        )
    kind = photo_type(data)
    if kind is None:
        raise ReportRefused(
            "the photo must be a JPEG, PNG or WebP image", field="photo", code="photo_type"
        )
    return kind


def store_photo(data: bytes, *, storage_dir: Path, max_bytes: int) -> StoredPhoto:
    """Checked, then written whole under a new random name (a partial file is never seen
    under the final name)."""
    media_type, extension = check_photo(data, max_bytes=max_bytes)
    folder = storage_dir / PHOTO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(24)}.{extension}"
    partial = folder / f".{name}.part"
    partial.write_bytes(data)
    os.replace(partial, folder / name)
    return StoredPhoto(file_name=name, media_type=media_type, size=len(data))


def photo_path(storage_dir: Path, file_name: str) -> Path:
    """The stored file; only names this module made are accepted, so no path leaves the
    folder."""
    if not STORED_NAME.match(file_name):
        raise InvalidInput("not a stored photo name")
    return storage_dir / PHOTO_DIR / file_name


def discard_photo(storage_dir: Path, file_name: str) -> None:
    """Removes a photo whose report was not stored after all."""
    photo_path(storage_dir, file_name).unlink(missing_ok=True)
