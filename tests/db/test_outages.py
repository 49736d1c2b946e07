"""Which database errors are outages (the gateway answers 503), from real errors of real
databases: a constraint or a bad value is not one."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from bot.db import Database
from bot.db.models import Borrower
from bot.db.outages import CORRUPT, LOCKED, SCHEMA_MISSING, UNREACHABLE, outage


def _error_of(database: Database, work) -> Exception:
    with pytest.raises(Exception) as raised, database.transaction() as session:
        work(session)
    return raised.value


def _add_borrower_twice(session) -> None:
    for _ in range(2):
        session.add(Borrower(id="b-1", name="Ann", language="en", timezone="UTC"))
        session.flush()
        session.expunge_all()


def test_a_broken_constraint_is_no_outage(database):
    error = _error_of(database, _add_borrower_twice)
    assert isinstance(error, IntegrityError) and outage(error) is None


def test_a_value_the_column_refuses_is_no_outage(postgres_server):
    with postgres_server.database() as url:
        database = Database(url)
        try:
            error = _error_of(database, lambda s: s.execute(text("SELECT CAST('x' AS integer)")))
        finally:
            database.dispose()
    assert isinstance(error, DataError) and outage(error) is None


def test_a_missing_table_is_a_missing_schema(database_url):
    database = Database(database_url)  # never upgraded
    try:
        error = _error_of(database, lambda s: s.execute(text("SELECT id FROM borrowers")))
    finally:
        database.dispose()
    assert outage(error) == SCHEMA_MISSING


def test_a_file_that_is_not_a_database_is_corrupt(tmp_path):
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"\x00garbage" * 1000)
    database = Database(f"sqlite:///{path}")
    error = _error_of(database, lambda s: s.execute(text("SELECT 1")))
    database.dispose()
    assert outage(error) == CORRUPT


def test_a_locked_sqlite_database_is_locked():
    # As SQLAlchemy raises it; a real one takes the 15-s busy timeout (tests/db/test_health.py
    # meets real locks, with a shorter wait).
    error = OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))
    assert outage(error) == LOCKED


def test_a_database_that_cannot_be_opened_is_unreachable(tmp_path):
    database = Database(f"sqlite:///{tmp_path}")  # a directory
    error = _error_of(database, lambda s: s.execute(text("SELECT 1")))
    database.dispose()
    assert outage(error) == UNREACHABLE
