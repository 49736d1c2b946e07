"""`GET /healthz`: the gateway answers, and says whether Rasa and the database do; when the
database does not, `database_problem` says why (bot/db/health.py: "schema missing", "locked",
"corrupt", "unreachable" …). Always 200: the gateway itself is up.

`GET /livez` (the process answers) and `GET /readyz` (Rasa, the action server and the database
answer: 200, else 503 naming what is down) are for an orchestrator's probes.

With REDIS_URL (the scaled topology: Rasa's lock store and the gateways' shared locks), both
also say whether Redis answers (`"redis"`): while it does not, the bot cannot take messages."""
from __future__ import annotations

import asyncio
import logging

import aiohttp
from aiohttp import web
from redis.asyncio import Redis  # type: ignore[import-untyped]
from redis.exceptions import RedisError  # type: ignore[import-untyped]

from bot.db.health import database_problem
from bot.db.outages import TIMED_OUT
from bot.gateway.keys import DATABASE, RASA, SETTINGS

logger = logging.getLogger(__name__)
DATABASE_TIMEOUT = 5.0
LOCK_WAIT_SECONDS = 1.0  # another connection's lock: "locked" after this long
ACTIONS_TIMEOUT = 5.0
REDIS_TIMEOUT = 2.0


async def healthz(request: web.Request) -> web.Response:
    rasa, problem, redis = await asyncio.gather(
        request.app[RASA].is_up(), _database_problem(request.app), _redis_up(request.app)
    )
    health: dict = {"status": "ok", "rasa": rasa, "database": problem is None}
    if problem is not None:
        health["database_problem"] = problem
    if redis is not None:
        health["redis"] = redis
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


async def livez(request: web.Request) -> web.Response:
    """`GET /livez`: the gateway process answers (restart it if not). Checks nothing else."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """`GET /readyz`: 200 when Rasa, the action server and the database all answer (send
    traffic here); else 503 naming what is down, e.g. {"error": "not ready: rasa", "down":
    ["rasa"], "rasa": false, "actions": true, "database": true}; with REDIS_URL, "redis" too."""
    rasa, actions, problem, redis = await asyncio.gather(
        request.app[RASA].is_up(), _actions_up(request.app), _database_problem(request.app),
        _redis_up(request.app))
    checks = {"rasa": rasa, "actions": actions, "database": problem is None}
    if redis is not None:
        checks["redis"] = redis
    down = [name for name, up in checks.items() if not up]
    if not down:
        return web.json_response({"status": "ready", **checks})
    body: dict = {"error": f"not ready: {', '.join(down)}", "down": down, **checks}
    if problem is not None:
        body["database_problem"] = problem
    return web.json_response(body, status=503)


async def _actions_up(app: web.Application) -> bool:
    """rasa-sdk's `GET /health` on the action server's loopback port."""
    url = f"http://127.0.0.1:{app[SETTINGS].action_port}/health"
    try:
        async with aiohttp.ClientSession() as session, session.get(
            url, timeout=aiohttp.ClientTimeout(total=ACTIONS_TIMEOUT)
        ) as response:
            return response.status == 200
    except (asyncio.TimeoutError, aiohttp.ClientError):
        return False


async def _redis_up(app: web.Application) -> bool | None:
    """Whether REDIS_URL's Redis answers a PING; None without REDIS_URL. A client of its own,
    with short timeouts: the shared one waits as long as a lock holder may need."""
    url = app[SETTINGS].redis_url
    if url is None:
        return None
    redis = Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
    try:
        return bool(await redis.ping())
    except (RedisError, OSError):
        logger.warning("redis health check: no answer")
        return False
    finally:
        await redis.close(close_connection_pool=True)
