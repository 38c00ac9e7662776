"""Engine, sessions and column types shared by every dustwatch process."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from annotated_types import Ge, Le
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


MAX_ROW_ID = 2**31 - 1

RowId = Annotated[int, Ge(1), Le(MAX_ROW_ID)]
"""The id of a stored row as input: an INTEGER key, so a larger number names nothing (and
PostgreSQL would refuse to compare with it)."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """timestamptz on PostgreSQL, UTC text on SQLite; always an aware UTC datetime in Python.

    Naive datetimes are refused: a time without an offset is ambiguous between UTC and
    Asia/Bangkok, seven hours apart.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; dustwatch stores aware UTC times only")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine tuned for the backend: WAL and a busy timeout on SQLite, pre-ping elsewhere."""
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so that
    # savepoints work (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: concurrent writers then wait out the busy
    # timeout instead of failing when a read lock cannot be upgraded.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def insert_from_arrays(table: str, columns: dict[str, str], tail: str) -> str:
    """`INSERT INTO table (columns) SELECT … FROM unnest(column arrays)` + `tail` (ON
    CONFLICT …, RETURNING …), for PostgreSQL and `execute_arrays`. Each column is bound as
    one array parameter of the same name, sent in binary and cast to `type[]`.

    One short statement whatever the batch size: a multi-row VALUES statement is parsed anew
    by the driver for every batch, which cost more than the database's own work, and arrays
    of times sent as text cost ten times what they cost in binary."""
    names = ", ".join(columns)
    arrays = ", ".join(f"CAST(%({name})b AS {kind}[])" for name, kind in columns.items())
    return f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {tail}"


def execute_arrays(session: Session, statement: str, arrays: dict[str, list[Any]]) -> list[Any]:
    """Run an `insert_from_arrays` statement in the session's own transaction (on its
    PostgreSQL connection, through the driver, which alone can send parameters in binary);
    returns the RETURNING rows as tuples."""
    session.flush()
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(statement, arrays)
        return cursor.fetchall() if cursor.description else []


def as_arrays(rows: Iterable[Sequence[Any]], columns: Iterable[str]) -> dict[str, list[Any]]:
    """Rows of values in column order -> one list per column, for `insert_from_arrays`."""
    names = list(columns)
    arrays: dict[str, list[Any]] = {name: [] for name in names}
    for row in rows:
        for name, value in zip(names, row, strict=True):
            arrays[name].append(value)
    return arrays
