"""`GET /healthz`: the gateway answers, and says whether Rasa and the database do."""
from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.gateway.keys import CONVERSATIONS, RASA

logger = logging.getLogger(__name__)
DATABASE_TIMEOUT = 5.0


async def healthz(request: web.Request) -> web.Response:
    rasa, database = await asyncio.gather(
        request.app[RASA].is_up(), _database_up(request.app)
    )
    return web.json_response({"status": "ok", "rasa": rasa, "database": database})


async def _database_up(app: web.Application) -> bool:
    try:
        await asyncio.wait_for(app[CONVERSATIONS].ping(), DATABASE_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - any failure means "not answering"
        logger.warning("database health check failed: %s", type(error).__name__)
        return False
    return True
