"""The database health check on real databases (SQLite and PostgreSQL): it answers within its
wait, and names what is wrong: no schema, an old schema, another connection's lock, a file
that is not a database, no server."""
from __future__ import annotations

import sqlite3
import time
from contextlib import closing

from sqlalchemy import text

from bot.db import Database
from bot.db.health import SCHEMA_OUTDATED, database_problem
from bot.db.outages import CORRUPT, LOCKED, SCHEMA_MISSING, UNREACHABLE
from tests.gateway.support import closed_port

WAIT = 0.5


def test_a_database_with_its_schema_is_healthy(database):
    assert database_problem(database.url, WAIT) is None


def test_a_database_without_a_schema_says_so(database_url):
    assert database_problem(database_url, WAIT) == SCHEMA_MISSING


def test_a_schema_behind_the_migrations_is_outdated(database):
    with database.transaction() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert database_problem(database.url, WAIT) == SCHEMA_OUTDATED


def test_a_sqlite_file_locked_by_another_connection_is_locked_within_the_wait(sqlite_database):
    with closing(sqlite3.connect(sqlite_database.engine.url.database, isolation_level=None)) as other:
        other.execute("PRAGMA locking_mode = EXCLUSIVE")  # WAL readers are shut out too
        other.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        assert database_problem(sqlite_database.url, WAIT) == LOCKED
        assert time.monotonic() - started < WAIT + 2  # not the gateway's 15 s


def test_a_postgres_table_locked_by_another_connection_is_locked(postgres_server):
    with postgres_server.database() as url:
        database = Database(url)
        database.upgrade()
        try:
            with database.transaction() as other:  # holds the lock until the block ends
                other.execute(text("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE"))
                assert database_problem(url, WAIT) == LOCKED
        finally:
            database.dispose()


def test_a_file_overwritten_with_garbage_is_corrupt(tmp_path):
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"this is not a database " * 400)
    assert database_problem(f"sqlite:///{path}", WAIT) == CORRUPT


def test_no_database_to_open_is_unreachable(tmp_path):
    assert database_problem(f"sqlite:///{tmp_path}", WAIT) == UNREACHABLE  # a directory


def test_no_postgres_server_is_unreachable():
    url = f"postgresql+psycopg2://nobody@127.0.0.1:{closed_port()}/nothing"
    assert database_problem(url, WAIT) == UNREACHABLE

