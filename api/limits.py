"""What the API accepts at all, checked before any route runs (a pure ASGI middleware).

- A body larger than `max_body_bytes` is refused with 413 without reading the rest of it:
  at once when Content-Length says so, else as soon as a chunked body passes the limit.
- Text containing NUL (U+0000), in the path, the query or a JSON or form body, is refused
  with 400: no text column stores it (PostgreSQL refuses it outright). So is a lone
  surrogate in a JSON string (`"\ud800"`), which no database driver can encode.
- JSON numbers that are not finite (`NaN`, `Infinity`, `1e999`) are refused with 400:
  JSON has no such numbers, and nothing dustwatch stores may hold them.

Bodies are read whole before the route runs; the limit keeps that small. Under the paths in
`routes_judge_content` (the device ingest, which records every refusal with what was sent)
only the size is checked here: those routes refuse NUL and NaN themselves, with a record.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.datastructures import Headers, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from core.kit.text import is_storable

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BadRequest(Exception):
    pass


class RequestLimits:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        routes_judge_content: tuple[str, ...] = (),
        upload_paths: Mapping[str, int] | None = None,
    ) -> None:
        """`routes_judge_content` are path prefixes whose routes refuse NUL and NaN themselves
        (and record the refusal); `upload_paths` give a larger limit to the paths that take
        files (photos, factory reports): each key is a regular expression the whole path
        must match (`/reports`, `/facilities/[0-9]+/reports`)."""
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.routes_judge_content = routes_judge_content
        self.upload_paths = [
            (re.compile(pattern), limit) for pattern, limit in (upload_paths or {}).items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if NUL in scope["path"] or b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
            await _refuse(scope, receive, send, 400, "the address contains a NUL character")
            return
        headers = Headers(scope=scope)
        limit = next(
            (limit for pattern, limit in self.upload_paths if pattern.fullmatch(scope["path"])),
            self.max_body_bytes,
        )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(scope, receive, send, 413, _too_large(limit))
            return
        body, more = await _read_body(receive, limit)
        if more:
            await _refuse(scope, receive, send, 413, _too_large(limit))
            return
        if not scope["path"].startswith(self.routes_judge_content):
            replay = _replay(body, receive)
            try:
                await _check_text(scope, replay, headers.get("content-type", ""), body)
            except BadRequest as error:
                await _refuse(scope, receive, send, 400, str(error))
                return
        await self.app(scope, _replay(body, receive), send)


def _too_large(limit: int) -> str:
    return f"the request body is larger than {limit} bytes"


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, up to the limit; `more` is True when it went past it (unread rest)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the buffered body once, then whatever comes next (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _check_text(scope: Scope, receive: Receive, content_type: str, body: bytes) -> None:
    if not body:
        return
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        _check_json(body)
    elif media_type in FORM_TYPES:
        try:
            form = await Request(scope, receive).form()
        except HTTPException as error:
            raise BadRequest(str(error.detail)) from None
        except MultiPartException as error:
            raise BadRequest(error.message) from None
        try:
            for key, value in form.multi_items():
                if NUL in key or (not isinstance(value, UploadFile) and NUL in value):
                    raise BadRequest(f"form field {key[:64]!r} contains a NUL character")
        finally:
            await form.close()


def _check_json(body: bytes) -> None:
    try:
        document = json.loads(body, parse_constant=_not_finite, parse_float=_finite_float)
    except BadRequest:
        raise
    except RecursionError:
        raise BadRequest("the JSON body is nested too deeply") from None
    except ValueError:
        return  # not JSON: the route answers 422 with the position of the error
    if not _storable(document):
        raise BadRequest(
            "a string in the JSON body contains a NUL character (\\u0000) or a lone "
            "surrogate (\\ud800-\\udfff)"
        )


def _not_finite(constant: str) -> Any:
    raise BadRequest(f"{constant} is not a JSON number: numbers must be finite")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise BadRequest(f"the JSON number {text[:32]} is too large")
    return number


def _storable(document: Any) -> bool:
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not is_storable(item):
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, detail: str) -> None:
    await error_response(status, detail)(scope, receive, send)


class SubmissionRate:
    """At most `per_hour` anonymous submissions from one client address in any hour (a
    sliding window, kept in memory: one process serves the API). Enough to stop a script
    flooding the triage list; a village sharing one address still gets through."""

    WINDOW_SECONDS = 3600.0

    def __init__(self, per_hour: int) -> None:
        self.per_hour = per_hour
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str, *, now: float | None = None) -> bool:
        moment = time.monotonic() if now is None else now
        with self._lock:
            times = self._seen.setdefault(client, deque())
            while times and times[0] <= moment - self.WINDOW_SECONDS:
                times.popleft()
            if len(times) >= self.per_hour:
                return False
            times.append(moment)
            if len(self._seen) > 10_000:
                self._forget_idle(moment)
            return True

    def _forget_idle(self, moment: float) -> None:
        for key in [
            k for k, v in self._seen.items() if not v or v[-1] <= moment - self.WINDOW_SECONDS
        ]:
            del self._seen[key]
