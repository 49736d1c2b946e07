"""A WebSocket that forwards one hub channel's events as JSON, for borrowers' apps (their
own channel) and agents' consoles (the agents' feed) alike, for as long as the token that
opened it is valid: at its expiry the socket is closed with TOKEN_EXPIRED, so that the app
authenticates again."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

from aiohttp import WSCloseCode, web

from bot.clock import utcnow
from bot.gateway.keys import HUB, SOCKETS

HEARTBEAT_SECONDS = 25.0
TOKEN_EXPIRED = 4401  # an application close code (4000-4999), after HTTP's 401


async def stream(request: web.Request, channel: str, reload_hint: bytes, *,
                 expires_at: datetime) -> web.WebSocketResponse:
    """Forwards until the client closes, the token expires (TOKEN_EXPIRED) or the listener
    falls behind (closed with `reload_hint`: it reloads over REST and connects again). Input
    is ignored (reading handles pings and closing)."""
    socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS)
    await socket.prepare(request)
    request.app[SOCKETS].add(socket)
    async with request.app[HUB].subscribe(channel) as events:
        reading = asyncio.create_task(_read_until_closed(socket))
        forwarding = asyncio.create_task(_forward(events, socket))
        try:
            await asyncio.wait([reading, forwarding], return_when=asyncio.FIRST_COMPLETED,
                               timeout=max(0.0, (expires_at - utcnow()).total_seconds()))
            if not reading.done():  # the client is still there: tell it why it is closed
                # From this task, not the others: closing must not be cancelled with them.
                code, message = ((WSCloseCode.TRY_AGAIN_LATER, reload_hint) if forwarding.done()
                                 else (TOKEN_EXPIRED, b"the token has expired; authenticate again"))
                await socket.close(code=code, message=message)
        finally:
            for task in (reading, forwarding):
                task.cancel()
            await asyncio.gather(reading, forwarding, return_exceptions=True)
    return socket


async def _read_until_closed(socket: web.WebSocketResponse) -> None:
    async for _ in socket:
        pass


async def _forward(events: AsyncIterator[dict], socket: web.WebSocketResponse) -> None:
    """Until the subscription ends (the listener fell behind) or the client has gone."""
    async for event in events:
        try:
            await socket.send_json(event)
        except ConnectionError:
            return
