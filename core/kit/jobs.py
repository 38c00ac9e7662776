"""A lock so that one replica runs each scheduled job at a time."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def try_job_lock(session: Session, *, name: str) -> bool:
    """Take a transaction-scoped lock so that one replica runs a scheduled job at a time.

    On PostgreSQL this is an advisory lock released at commit; SQLite serves a single
    process and always grants it.
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    locked = session.execute(
        text("SELECT pg_try_advisory_xact_lock(hashtext(:name))"), {"name": name}
    ).scalar_one()
    return bool(locked)
