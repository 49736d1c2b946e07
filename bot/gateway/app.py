"""The gateway application: `create_app` builds it, `serve` runs it (`python -m bot gateway`).

What lives as long as the application (the database engine, the client for Rasa, background
work) is set up and torn down by `cleanup_ctx` contexts, in order, each undoing only its own.
"""
from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import suppress

from aiohttp import WSCloseCode, web
from sqlalchemy.exc import OperationalError

from bot.arrangements.policy import load_policy
from bot.db import Database
from bot.gateway import outreach
from bot.gateway.agent.password_pool import PasswordPool
from bot.gateway.api_headers import add_api_headers
from bot.gateway.backlog import Backlog
from bot.gateway.conversations import Conversations
from bot.gateway.errors import json_errors
from bot.gateway.inbound import MAX_BODY_BYTES
from bot.gateway.keys import (
    BACKLOG,
    CHAT_RATE,
    CONVERSATIONS,
    DATABASE,
    HUB,
    LOCKS,
    LOGIN_THROTTLE,
    PASSWORDS,
    POLICY,
    RASA,
    RESPONSES,
    SETTINGS,
    SOCKETS,
    STRATEGY,
)
from bot.gateway.metrics import METRICS, GatewayMetrics, count_requests, note_causes
from bot.gateway.rasa_client import DEFAULT_TIMEOUT, RasaClient
from bot.gateway.rate_limit import RateLimiter, local_rate_limiter
from bot.gateway.routes import add_routes
from bot.gateway.server import serve_forever
from bot.gateway.shared_state import SharedState, shared_state
from bot.handoffs.casework import CLOSING
from bot.handoffs.opening import HOLDING
from bot.logs import configure_logging
from bot.outreach.service import push_target
from bot.outreach.strategy import load_strategy
from bot.replies.render import domain_responses
from bot.runtime.settings import Settings, is_loopback

logger = logging.getLogger(__name__)

SCHEMA_RETRY_SECONDS = (1, 2, 5, 10, 30)  # then every 30 s
Lifetime = Callable[[web.Application], AsyncIterator[None]]
GATEWAY_REPLIES = (HOLDING, CLOSING)  # what the gateway says itself, from domain.yml


def create_app(
    settings: Settings, database: Database | None = None, *, rasa_timeout: float = DEFAULT_TIMEOUT,
    chat_rate: RateLimiter | None = None,
) -> web.Application:
    """The application; no connection is made until it starts. A database given is the
    caller's to dispose of; one made here from `settings.database_url` is disposed of here."""
    # Metrics (bot/gateway/metrics.py): outermost the final status and time, innermost the cause.
    app = web.Application(middlewares=[count_requests, json_errors, note_causes],
                          client_max_size=MAX_BODY_BYTES)
    app[METRICS] = GatewayMetrics(app)
    app[SETTINGS] = settings
    app[POLICY] = load_policy()  # a broken policy file stops the gateway here, not mid-chat
    app[STRATEGY] = load_strategy()  # so does a broken outreach.yml (or banned phrasing in it)
    push_target(settings)  # and WALLET_PUSH_URL without its secret
    app[DATABASE] = database or Database(settings.database_url)
    app[CONVERSATIONS] = Conversations(app[DATABASE])
    # What several gateway processes share: in Redis with REDIS_URL, else in this process.
    shared = shared_state(settings.redis_url)
    app[HUB] = shared.hub
    app[RASA] = RasaClient(settings.rasa_instances, settings.rasa_token, timeout=rasa_timeout)
    app[LOCKS] = shared.locks
    # Protection of the borrower chat: a limiter given (a shared one, a test's clock) or this
    # process's own for the settings; and the bound on messages in flight (bot/gateway/backlog.py).
    app[CHAT_RATE] = chat_rate if chat_rate is not None else local_rate_limiter(
        settings.chat_rate_burst, settings.chat_rate_interval)
    app[BACKLOG] = Backlog(settings.chat_max_in_flight)
    app[LOGIN_THROTTLE] = shared.login_throttle
    app[PASSWORDS] = PasswordPool()
    app[SOCKETS] = weakref.WeakSet()
    app[RESPONSES] = domain_responses().require(GATEWAY_REPLIES)  # one missing stops it here
    app.cleanup_ctx.extend([
        _database_lifetime(owned=database is None),
        _rasa_lifetime,
        _shared_state_lifetime(shared),
        _password_pool_lifetime,
    ])
    # aiohttp 3.9 types its signals for aiosignal < 1.4 (Signal[Callable]); the pinned 1.4 is
    # generic in the arguments instead, so mypy misreads what these lists hold.
    app.on_shutdown.append(_close_sockets)  # type: ignore[arg-type]
    app.on_response_prepare.append(add_api_headers)  # type: ignore[arg-type]
    add_routes(app)
    return app


def serve(settings: Settings) -> None:
    configure_logging(settings.log_format)  # bot/logs.py: JSON lines or text, masked
    app = create_app(settings)
    app.cleanup_ctx.append(outreach.scheduler)  # a served gateway writes first; a test's app does not
    if settings.demo_on:
        _announce_demo(settings)
    with suppress(web.GracefulExit, KeyboardInterrupt):  # SIGTERM or SIGINT: a clean stop
        asyncio.run(serve_forever(app, settings.gateway_host, settings.gateway_port))


def _announce_demo(settings: Settings) -> None:
    if is_loopback(settings.gateway_host):
        logger.info("the demo chat is on: /demo (DEMO_CHAT=0 turns it off)")
    else:  # only DEMO_CHAT=1 gets here: development secrets never serve beyond loopback
        logger.warning("the demo chat is on beyond loopback (DEMO_CHAT=1): anyone who reaches "
                       "the gateway can chat as a demo borrower at /demo")


def _database_lifetime(*, owned: bool) -> Lifetime:
    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        upgrading = await _upgrade_schema(app[DATABASE])
        yield
        if upgrading is not None:
            upgrading.cancel()
            await asyncio.gather(upgrading, return_exceptions=True)
        if owned:
            app[DATABASE].dispose()

    return lifetime


async def _rasa_lifetime(app: web.Application) -> AsyncIterator[None]:
    yield
    await app[RASA].close()


def _shared_state_lifetime(shared: SharedState) -> Lifetime:
    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        logger.info("live hub, conversation locks and login throttle kept in %s", shared.where)
        yield
        await shared.close()

    return lifetime


async def _password_pool_lifetime(app: web.Application) -> AsyncIterator[None]:
    yield
    app[PASSWORDS].close()


async def _upgrade_schema(database: Database) -> asyncio.Task | None:
    """Brings the schema up to date. A database that is down must not keep the gateway from
    answering (503s, /healthz): then it keeps trying in a background task, returned to be
    cancelled on cleanup. Any other failure (a broken migration) stops startup."""
    try:
        await _in_thread(database.upgrade)
    except OperationalError as error:
        logger.error("database unavailable at startup (%s); retrying in the background", error.orig)
        return asyncio.create_task(_upgrade_until_done(database))
    return None


async def _upgrade_until_done(database: Database) -> None:
    attempt = 0
    while True:
        await asyncio.sleep(SCHEMA_RETRY_SECONDS[min(attempt, len(SCHEMA_RETRY_SECONDS) - 1)])
        attempt += 1
        try:
            await _in_thread(database.upgrade)
        except OperationalError as error:
            logger.warning("database still unavailable (%s)", error.orig)
        else:
            logger.info("database schema up to date")
            return


async def _close_sockets(app: web.Application) -> None:
    sockets: weakref.WeakSet[web.WebSocketResponse] = app[SOCKETS]
    for socket in list(sockets):
        await socket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")


async def _in_thread(work: Callable[[], None]) -> None:
    await asyncio.get_running_loop().run_in_executor(None, work)
