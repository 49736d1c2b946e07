"""Fixtures shared by every test: real databases, SQLite and PostgreSQL.

- `postgres_server` / `postgres_url`: one PostgreSQL server per session (see tests/postgres.py).
- `redis_server` / `redis_url`: one Redis server per session (tests/redis_server.py), flushed per test.
- `own_redis`: a Redis server of the test's own, to stop (`.stop()`) and start again (`.start_again()`).
- `database_url`: a fresh, empty database per test, parametrised `[sqlite]` and `[postgresql]`.
- `database`: a `bot.db.Database` on `database_url`, schema upgraded, disposed afterwards.
- `sqlite_database`: the same on SQLite only.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.db import Database  # noqa: E402
from tests.postgres import PostgresServer, PostgresUnavailable, start_server  # noqa: E402
from tests.redis_server import RedisServer, RedisUnavailable  # noqa: E402
from tests.redis_server import start_own_server as start_own_redis  # noqa: E402
from tests.redis_server import start_server as start_redis  # noqa: E402

BACKENDS = ["sqlite", "postgresql"]

# The bots the tests start write first only when a test runs a pass itself (bot/outreach/):
# a pass at the real time would drop reminders into conversations a test is checking.
os.environ.setdefault("OUTREACH_EVERY_SECONDS", "0")


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    try:
        server, problem = start_server(), None
    except PostgresUnavailable as error:
        server, problem = None, str(error)
    if problem is not None:  # outside the except block: one clear message, no chained traceback
        if os.environ.get("ALLOW_NO_POSTGRES") == "1":
            pytest.skip(f"PostgreSQL unavailable, skipped as ALLOW_NO_POSTGRES=1 asks: {problem}")
        pytest.fail(problem, pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server() -> RedisServer:
    """One Redis server per session (see tests/redis_server.py)."""
    try:
        server, problem = start_redis(), None
    except RedisUnavailable as error:
        server, problem = None, str(error)
    if problem is not None:  # outside the except block: one clear message
        if os.environ.get("ALLOW_NO_REDIS") == "1":
            pytest.skip(f"Redis unavailable, skipped as ALLOW_NO_REDIS=1 asks: {problem}")
        pytest.fail(problem, pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def own_redis() -> RedisServer:
    try:
        server, problem = start_own_redis(), None
    except RedisUnavailable as error:
        server, problem = None, str(error)
    if problem is not None:
        if os.environ.get("ALLOW_NO_REDIS") == "1":
            pytest.skip(f"Redis unavailable, skipped as ALLOW_NO_REDIS=1 asks: {problem}")
        pytest.fail(problem, pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session server's URL, its database emptied for the test."""
    redis_server.flush()
    return redis_server.url


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """The session server's SQLAlchemy URL (its `postgres` database): create your own DBs on it,
    or use `postgres_server.create_database()` / `.drop_database()` / `with .database() as url`."""
    return postgres_server.url


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path: Path):
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    with server.database() as url:
        yield url


def _upgraded(url: str):
    database = Database(url)
    database.upgrade()
    return database


@pytest.fixture
def database(database_url: str):
    database = _upgraded(database_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_database(tmp_path: Path):
    database = _upgraded(sqlite_url(tmp_path))
    yield database
    database.dispose()
