"""`GET /healthz`: the gateway answers, and says whether Rasa and the database do; when the
database does not, `database_problem` says why (bot/db/health.py: "schema missing", "locked",
"corrupt", "unreachable" …). Always 200: the gateway itself is up."""
from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.db.health import database_problem
from bot.db.outages import TIMED_OUT
from bot.gateway.keys import DATABASE, RASA

logger = logging.getLogger(__name__)
DATABASE_TIMEOUT = 5.0
LOCK_WAIT_SECONDS = 1.0  # another connection's lock: "locked" after this long


async def healthz(request: web.Request) -> web.Response:
    rasa, problem = await asyncio.gather(
        request.app[RASA].is_up(), _database_problem(request.app)
    )
    health = {"status": "ok", "rasa": rasa, "database": problem is None}
    if problem is not None:
        health["database_problem"] = problem
    return web.json_response(health)


async def _database_problem(app: web.Application) -> str | None:
    check = asyncio.to_thread(database_problem, app[DATABASE].url, LOCK_WAIT_SECONDS)
    try:
        problem = await asyncio.wait_for(check, DATABASE_TIMEOUT)
    except asyncio.TimeoutError:
        problem = TIMED_OUT
    if problem is not None:
        logger.warning("database health check: %s", problem)
    return problem
