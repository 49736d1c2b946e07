"""The token a request carries, for either side of the gateway."""
from __future__ import annotations

from aiohttp import web


def request_token(request: web.Request, allow_query_token: bool) -> str | None:
    """The bearer token; or `?token=` where a browser cannot send a header (a WebSocket)."""
    return bearer_token(request) or (request.query.get("token") if allow_query_token else None)


def bearer_token(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None
