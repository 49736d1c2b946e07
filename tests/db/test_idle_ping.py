"""Connections that sat in the pool are pinged before use, and replaced when the server closed
them; connections used a moment ago are not (bot/db/database.py): on real PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.db import Database
from bot.db import database as engines


@pytest.fixture
def postgres(postgres_server):
    db = Database(postgres_server.create_database())
    yield db
    db.dispose()


@pytest.fixture
def pings(monkeypatch, postgres):
    counted = []
    real = postgres.engine.dialect.do_ping
    monkeypatch.setattr(postgres.engine.dialect, "do_ping",
                        lambda connection: counted.append(1) or real(connection))
    return counted


def _backend_pid(db: Database) -> int:
    with db.transaction() as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_used_a_moment_ago_is_not_pinged(postgres, pings):
    first = _backend_pid(postgres)
    assert _backend_pid(postgres) == first  # the same connection, straight from the pool
    assert pings == []


def test_a_connection_the_server_closed_while_it_was_idle_is_replaced(monkeypatch, postgres, pings):
    closed = _backend_pid(postgres)
    other = Database(postgres.url)
    try:
        with other.transaction() as session:  # as a database restart would
            assert session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": closed}).scalar()
    finally:
        other.dispose()
    monkeypatch.setattr(engines, "IDLE_BEFORE_PING_SECONDS", 0.0)  # as if it had sat there a while

    assert _backend_pid(postgres) != closed  # no error: a new connection took its place
    assert len(pings) == 1
