"""Whether the database can serve now (for /healthz): it answers a real query within a short
wait, and its schema is at the newest migration.

The check makes a connection of its own: the application's wait out another connection's
lock for 15 s (SQLite's busy timeout, which its connect-time pragmas already wait on), and a
health check must say "locked" sooner than that.
"""
from __future__ import annotations

import math

from sqlalchemy import create_engine, text
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from bot.db.migrate import head_revision
from bot.db.outages import SCHEMA_MISSING, outage

SCHEMA_OUTDATED = "schema outdated"
FAILING = "failing"  # an error that names no outage (e.g. no permission to read the schema)


def database_problem(url: str, wait_seconds: float) -> str | None:
    """None when the database at `url` answers and its schema is current; else what is wrong,
    in bot.db.outages' words, SCHEMA_OUTDATED or FAILING."""
    engine = create_engine(url, future=True, poolclass=NullPool,
                           connect_args=_short_waits(url, wait_seconds))
    try:
        with engine.connect() as connection:
            revisions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError as error:
        return outage(error) or FAILING
    finally:
        engine.dispose()
    if not revisions:
        return SCHEMA_MISSING
    return None if revisions == [head_revision()] else SCHEMA_OUTDATED


def _short_waits(url: str, seconds: float) -> dict:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return {"timeout": seconds}  # for another's lock, from the first statement on
    if backend == "postgresql":
        # Milliseconds; the statement's own limit is longer, so that a lock ends as "locked".
        lock_wait = round(seconds * 1000)
        return {"connect_timeout": max(1, math.ceil(seconds)),
                "options": f"-c lock_timeout={lock_wait} -c statement_timeout={2 * lock_wait}"}
    return {}
