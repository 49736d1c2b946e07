"""A WebSocket that forwards one hub channel's events as JSON, for borrowers' apps (their
conversation) and agents' consoles (the agents' feed) alike."""
from __future__ import annotations

import asyncio

from aiohttp import WSCloseCode, web

from bot.gateway.keys import HUB, SOCKETS

HEARTBEAT_SECONDS = 25.0


async def stream(request: web.Request, channel: str, reload_hint: bytes) -> web.WebSocketResponse:
    """Forwards until either side closes. Input is ignored (reading handles pings and
    closing). A listener that falls behind is closed with `reload_hint`: it reloads over
    REST and connects again."""
    socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS)
    await socket.prepare(request)
    request.app[SOCKETS].add(socket)
    async with request.app[HUB].subscribe(channel) as events:
        forwarding = asyncio.create_task(_forward(events, socket, reload_hint))
        try:
            async for _ in socket:
                pass
        finally:
            forwarding.cancel()
            await asyncio.gather(forwarding, return_exceptions=True)
    return socket


async def _forward(events, socket: web.WebSocketResponse, reload_hint: bytes) -> None:
    async for event in events:
        try:
            await socket.send_json(event)
        except ConnectionError:
            return
    await socket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=reload_hint)
