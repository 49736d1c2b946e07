"""`/healthz` and the API when the database cannot serve, on real databases: a SQLite file
with no schema, locked by another connection, or overwritten with garbage; a PostgreSQL
database whose schema was dropped. /healthz stays 200 and says what is wrong; the API
answers 503 JSON."""
from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import Database
from bot.gateway.app import create_app
from tests.builders import load
from tests.gateway.support import BORROWERS, bearer, closed_port, settings_for

DOWN = {"error": "the service is temporarily unavailable"}


async def health(client) -> dict:
    response = await client.get("/healthz")
    assert response.status == 200
    return await response.json()


async def assert_api_503(client) -> None:
    for response in (await client.post("/api/v1/chat", json={"text": "hi"}, headers=bearer("b-1")),
                     await client.get("/api/v1/chat/history", headers=bearer("b-1"))):
        assert response.status == 503, await response.text()
        assert await response.json() == DOWN


def replace_file(database: Database, content: bytes | None) -> None:
    """The SQLite file, with its WAL, replaced by `content` (or gone, for None)."""
    path = Path(database.engine.url.database)
    database.dispose()
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    if content is not None:
        path.write_bytes(content)


async def test_a_healthy_database_has_no_problem_to_report(offline_gateway):
    assert await health(offline_gateway) == {"status": "ok", "rasa": False, "database": True}


async def test_a_database_file_without_the_schema(offline_gateway, borrowers):
    replace_file(borrowers, None)  # SQLite makes an empty one at the next connection
    assert await health(offline_gateway) == {
        "status": "ok", "rasa": False, "database": False, "database_problem": "schema missing"}
    await assert_api_503(offline_gateway)


async def test_a_database_locked_by_another_connection(offline_gateway, borrowers):
    with closing(sqlite3.connect(borrowers.engine.url.database, isolation_level=None)) as other:
        other.execute("PRAGMA locking_mode = EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        reported = await health(offline_gateway)
        assert time.monotonic() - started < 4  # the lock wait, not the query's 15 s
    assert (reported["database"], reported["database_problem"]) == (False, "locked")


async def test_a_database_file_overwritten_with_garbage(offline_gateway, borrowers):
    replace_file(borrowers, os.urandom(64 * 1024))
    reported = await health(offline_gateway)
    assert (reported["database"], reported["database_problem"]) == (False, "corrupt")
    await assert_api_503(offline_gateway)


@pytest.fixture
def postgres_borrowers(postgres_server):
    with postgres_server.database() as url:
        database = Database(url)
        database.upgrade()
        load(database, *BORROWERS)
        yield database
        database.dispose()


async def test_a_postgres_schema_dropped_under_the_gateway(aiohttp_client, postgres_borrowers):
    settings = settings_for(postgres_borrowers.url, f"http://127.0.0.1:{closed_port()}")
    client = await aiohttp_client(create_app(settings, postgres_borrowers))
    assert (await health(client))["database"] is True
    with postgres_borrowers.transaction() as session:
        session.execute(text("DROP SCHEMA public CASCADE"))
        session.execute(text("CREATE SCHEMA public"))
    reported = await health(client)
    assert (reported["database"], reported["database_problem"]) == (False, "schema missing")
    await assert_api_503(client)
