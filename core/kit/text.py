"""Text from outside (MQTT payloads, topics, error messages quoting them) made storable."""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(text: str) -> str:
    """`text` with NUL and lone surrogates replaced by U+FFFD.

    PostgreSQL refuses NUL in text, and no database driver can encode a lone surrogate
    (JSON can carry both: `"\\u0000"`, `"\\ud800"`), so a rejected message quoting them could
    not be kept. Everything else is left as it was.
    """
    return _UNSTORABLE.sub(REPLACEMENT, text)


def is_storable(text: str) -> bool:
    """False when `text` holds NUL or a lone surrogate, which storable_text would replace."""
    return _UNSTORABLE.search(text) is None
