"""Checking a TCP port before a server binds it, so a clash gives a clear message."""

from __future__ import annotations

import errno
import socket


class PortInUse(Exception):
    def __init__(self, what: str, host: str, port: int, hint: str) -> None:
        super().__init__(
            f"{what} cannot listen on {host}:{port}: the port is already in use. {hint}"
        )


def ensure_port_free(host: str, port: int, *, what: str, hint: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(what, host, port, hint) from None
            raise
