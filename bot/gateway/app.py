"""The gateway application: `create_app` builds it, `serve` runs it (`python -m bot gateway`)."""
from __future__ import annotations

import asyncio
import logging
import weakref

from aiohttp import WSCloseCode, web
from sqlalchemy.exc import OperationalError

from bot.db import Database
from bot.gateway import agent_api, borrower_api, console, handoff_api, health
from bot.gateway.access_log import AccessLog
from bot.gateway.conversations import Conversations
from bot.gateway.errors import json_errors
from bot.gateway.hub import LocalHub
from bot.gateway.inbound import MAX_BODY_BYTES
from bot.gateway.keys import (
    CONVERSATIONS, DATABASE, HUB, LOCKS, LOGIN_THROTTLE, POLICY, RASA, SETTINGS, SOCKETS,
)
from bot.gateway.locks import KeyedLocks
from bot.gateway.login_throttle import LoginThrottle
from bot.gateway.rasa_client import DEFAULT_TIMEOUT, RasaClient
from bot.policy import load_policy
from bot.settings import Settings

logger = logging.getLogger(__name__)

BACKGROUND = web.AppKey("background", set)  # tasks to cancel on cleanup
SCHEMA_RETRY_SECONDS = (1, 2, 5, 10, 30)  # then every 30 s


def create_app(
    settings: Settings, database: Database | None = None, *, rasa_timeout: float = DEFAULT_TIMEOUT
) -> web.Application:
    """The application; no connection is made until it starts. A database given is the
    caller's to dispose of; one made here from `settings.database_url` is disposed of here."""
    app = web.Application(middlewares=[json_errors], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[POLICY] = load_policy()  # a broken policy file stops the gateway here, not mid-chat
    app[DATABASE] = database or Database(settings.database_url)
    app[CONVERSATIONS] = Conversations(app[DATABASE])
    app[HUB] = LocalHub()
    app[RASA] = RasaClient(settings.rasa_url, settings.rasa_token, timeout=rasa_timeout)
    app[LOCKS] = KeyedLocks()
    app[LOGIN_THROTTLE] = LoginThrottle()
    app[SOCKETS] = weakref.WeakSet()
    app[BACKGROUND] = set()
    app.on_startup.append(_upgrade_schema)
    app.on_shutdown.append(_close_sockets)
    app.on_cleanup.append(_close_clients(owns_database=database is None))
    borrower_api.setup(app)
    agent_api.setup(app)
    handoff_api.setup(app)
    console.setup(app)
    health.setup(app)
    return app


def serve(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    web.run_app(
        create_app(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        access_log_class=AccessLog,
        print=logger.info,
    )


async def _upgrade_schema(app: web.Application) -> None:
    # A database that is down must not keep the gateway from answering (503s, /healthz):
    # keep trying in the background. Any other failure (a broken migration) stops startup.
    try:
        await _in_thread(app[DATABASE].upgrade)
    except OperationalError as error:
        logger.error("database unavailable at startup (%s); retrying in the background", error.orig)
        app[BACKGROUND].add(asyncio.create_task(_upgrade_until_done(app[DATABASE])))


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
    for socket in list(app[SOCKETS]):
        await socket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")


def _close_clients(*, owns_database: bool):
    async def close(app: web.Application) -> None:
        for task in app[BACKGROUND]:
            task.cancel()
        await asyncio.gather(*app[BACKGROUND], return_exceptions=True)
        await app[RASA].close()
        if owns_database:
            app[DATABASE].dispose()

    return close


async def _in_thread(work) -> None:
    await asyncio.get_running_loop().run_in_executor(None, work)
