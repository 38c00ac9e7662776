"""Password hashes in Mosquitto's own `$7$` format, checked against `mosquitto_passwd` itself
(the broker accepting ours is shown in tests/ingest/test_broker_access.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from core.devices.mosquitto import check_password, hash_password


def test_a_hash_written_by_mosquitto_passwd_is_checked_right(tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(passwd), "npl-v01", "s3cret"], check=True)
    user, _, written = passwd.read_text().strip().partition(":")
    assert user == "npl-v01"
    assert check_password("s3cret", written)
    assert not check_password("s3cret ", written)


def test_our_hash_has_mosquitto_passwds_shape_and_a_fresh_salt() -> None:
    first, second = hash_password("s3cret"), hash_password("s3cret")
    _, scheme, iterations, salt, digest = first.split("$")
    assert (scheme, iterations, len(salt), len(digest)) == ("7", "101", 16, 88)
    assert first != second
    assert check_password("s3cret", first)
    assert check_password("s3cret", second)
    assert not check_password("guess", first)


def test_malformed_hashes_never_match() -> None:
    for bad in ("", "s3cret", "$6$abc$def", "$7$x$abc$def", "$7$101$***$***", "$7$0$YQ==$YQ=="):
        assert not check_password("s3cret", bad)
