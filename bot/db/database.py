"""Engine and transactions. One `Database` per process; one session per unit of work."""
from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = _make_engine(url, echo)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """`work(session, *args)` in one short transaction, in the default executor, so that
        an event loop (the gateway's, the action server's) never waits on the database."""

        def unit() -> T:
            with self.transaction() as session:
                return work(session, *args)

        return await asyncio.get_running_loop().run_in_executor(None, unit)

    def upgrade(self) -> None:
        """Create or migrate the schema to the newest revision."""
        from bot.db.migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def _make_engine(url: str, echo: bool) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, future=True, echo=echo, connect_args={"timeout": 15, "check_same_thread": False}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # An UPDATE or DELETE with many parameter sets goes as pages of statements, not one round
    # trip each (INSERTs are batched either way): an outreach pass updates thousands of rows.
    extra = {"executemany_mode": "values_plus_batch"} if parsed.get_backend_name() == "postgresql" else {}
    engine = create_engine(url, future=True, echo=echo, **extra)
    _ping_idle_connections(engine)
    return engine


# A connection back in the pool for less than this was working a moment ago: it is not
# pinged. A database restart takes longer than this, so every connection that was open before
# it is pinged after it (and replaced): the gain of SQLAlchemy's `pool_pre_ping` without its
# round trip on every transaction (a seventh of the gateway's database time under load).
IDLE_BEFORE_PING_SECONDS = 1.0


def _ping_idle_connections(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < IDLE_BEFORE_PING_SECONDS:
            return  # just connected, or just used
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.dbapi.Error:
            alive = False
        if not alive:
            # The pool discards it and checks out (or opens) another, as pre-ping does.
            raise DisconnectionError("the connection was closed while it sat in the pool")


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # WAL lets the gateway and the action server read while the other writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()
