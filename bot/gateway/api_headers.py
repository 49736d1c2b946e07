"""Headers on every API response, success or error: they carry personal data (names, debts,
chats), so no cache may keep them, and no browser may read them as another type than JSON.

A response-prepare signal rather than a middleware: it also reaches the responses a
middleware cannot change any more (a WebSocket's handshake, sent before its handler returns).
The console's and the demo chat's pages and files set their own (bot/gateway/agent/console.py).
"""
from __future__ import annotations

from aiohttp import web

API_PREFIXES = ("/api/", "/demo/api/")  # the demo chat's (bot/gateway/demo/api.py) too
API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


async def add_api_headers(request: web.Request, response: web.StreamResponse) -> None:
    if request.path.startswith(API_PREFIXES):
        response.headers.update(API_HEADERS)
