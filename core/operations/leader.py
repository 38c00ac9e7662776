"""Which process runs the scheduled jobs: the one that holds a database lock.

On PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a connection
of its own. Chosen over a leader row with a lease because the server itself releases the lock
the moment the leader's session ends (the process dies, its connection drops), so a follower
takes over within one check period without waiting out a lease, and no clocks of different
hosts are compared. The leader re-checks that it still holds the lock every few seconds
and steps down when the check fails (its connection dropped: the server has released or
will release the lock). A leader cut off from the server keeps the lock until the server
notices the dead session (TCP keep-alive), and stops running jobs at its next check: the
two never both hold it, and the job_run record keeps a fire time from running twice anyway.

On SQLite (one process, a file on its disk) that one process is the leader.
"""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

LEADER_LOCK_KEY = int.from_bytes(b"dustwsch", "big")
"""The advisory lock's 64-bit key, fixed for every dustwatch process of a database."""


class LeaderLock(Protocol):
    def try_acquire(self) -> bool:
        """Become the leader if no one is; True when this process now is."""

    def still_held(self) -> bool:
        """Whether this process is still the leader (it acquired and has not lost the lock)."""

    def release(self) -> None:
        """Stop being the leader, so a follower takes over at once."""


class AdvisoryLeaderLock:
    """PostgreSQL: the session-level advisory lock on a dedicated connection."""

    def __init__(self, engine: Engine, *, key: int = LEADER_LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        if self._connection is not None:
            return self.still_held()
        try:
            connection = self._engine.connect()
        except Exception as error:
            log.warning("cannot reach the database to become the scheduler's leader: %s", error)
            return False
        connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            ).scalar_one()
        except Exception as error:
            log.warning("cannot take the scheduler's leader lock: %s", error)
            _discard(connection)
            return False
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            held = self._connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND pid = pg_backend_pid() AND objsubid = 1 "
                    "AND classid::bigint = (:key >> 32) AND objid::bigint = (:key & 4294967295)"
                ),
                {"key": self._key},
            ).scalar_one()
        except Exception as error:
            log.warning("the scheduler's leader lock is lost with its connection: %s", error)
            _discard(self._connection)
            self._connection = None
            return False
        if not held:
            _discard(self._connection)
            self._connection = None
        return bool(held)

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            connection.close()
        except Exception:
            _discard(connection)


class SingleProcessLeader:
    """SQLite: the one process is the leader."""

    def __init__(self) -> None:
        self._held = False

    def try_acquire(self) -> bool:
        self._held = True
        return True

    def still_held(self) -> bool:
        return self._held

    def release(self) -> None:
        self._held = False


def leader_lock(engine: Engine) -> LeaderLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLeaderLock(engine)
    return SingleProcessLeader()


def _discard(connection: Connection) -> None:
    """Close the connection for good (not back to the pool), ending the server session and
    with it any lock it still holds."""
    try:
        connection.invalidate()
        connection.close()
    except Exception:
        log.debug("closing a broken connection failed", exc_info=True)
