"""The JSON error middleware's answer to database errors: 503 for a database that cannot serve
(corrupt, locked, unreachable), logged as a warning without a traceback; a constraint or a bad
value stays a 500 (real databases meet these in tests/gateway/test_health.py and tests/db)."""
from __future__ import annotations

import logging
import sqlite3

import pytest
from aiohttp import web
from sqlalchemy.exc import DatabaseError, DataError, IntegrityError, OperationalError

from bot.gateway.errors import json_errors

STATEMENT = "SELECT * FROM borrowers WHERE id = ?"


def app_raising(error: Exception) -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        raise error

    app = web.Application(middlewares=[json_errors])
    app.router.add_get("/api/v1/x", handler)
    return app


@pytest.mark.parametrize("error", [
    DatabaseError(STATEMENT, ("b-1",), sqlite3.DatabaseError("file is not a database")),
    DatabaseError(STATEMENT, ("b-1",), sqlite3.DatabaseError("database disk image is malformed")),
    OperationalError(STATEMENT, ("b-1",), sqlite3.OperationalError("database is locked")),
    OperationalError(STATEMENT, ("b-1",), sqlite3.OperationalError("unable to open database file")),
], ids=["not a database", "malformed", "locked", "unopenable"])
async def test_a_database_that_cannot_serve_is_503(aiohttp_client, caplog, error):
    client = await aiohttp_client(app_raising(error))
    response = await client.get("/api/v1/x")
    assert response.status == 503
    assert await response.json() == {"error": "the service is temporarily unavailable"}
    [record] = [r for r in caplog.records if r.name == "bot.gateway.errors"]
    assert (record.levelno, record.exc_info) == (logging.WARNING, None)
    assert "b-1" not in record.getMessage()  # nor the statement's parameters


@pytest.mark.parametrize("error", [
    IntegrityError(STATEMENT, (), sqlite3.IntegrityError("UNIQUE constraint failed: borrowers.id")),
    DataError(STATEMENT, (), sqlite3.DataError("string or blob too big")),
], ids=["integrity", "data"])
async def test_integrity_and_data_errors_stay_500(aiohttp_client, error):
    client = await aiohttp_client(app_raising(error))
    response = await client.get("/api/v1/x")
    assert response.status == 500
    assert await response.json() == {"error": "internal error"}
