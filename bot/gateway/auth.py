"""Who is asking: the borrower a wallet token names, and nothing else."""
from __future__ import annotations

from aiohttp import web

from bot.gateway.errors import ApiError
from bot.gateway.keys import CONVERSATIONS, SETTINGS
from bot.tokens import InvalidToken, borrower_of_token

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="chat"'}


async def authenticate(request: web.Request, *, allow_query_token: bool = False) -> str:
    """The borrower id of the request's token; ApiError 401 for a missing, invalid or expired
    token, or one whose borrower the database does not know."""
    token = request_token(request, allow_query_token)
    if not token:
        raise _unauthorised("a bearer token is required")
    try:
        # An agent token is refused here even where both secrets were set alike: it carries
        # `aud: "agent"`, and PyJWT refuses any `aud` when no audience is expected
        # (tests/gateway/test_agent_api.py holds it to that).
        borrower_id = borrower_of_token(request.app[SETTINGS].jwt_secret, token)
    except InvalidToken:
        raise _unauthorised("the token is invalid or expired") from None
    if not await request.app[CONVERSATIONS].borrower_exists(borrower_id):
        raise _unauthorised("the token is invalid or expired")
    return borrower_id


def request_token(request: web.Request, allow_query_token: bool) -> str | None:
    """The bearer token; or `?token=` where a browser cannot send a header (a WebSocket)."""
    return bearer_token(request) or (request.query.get("token") if allow_query_token else None)


def bearer_token(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _unauthorised(message: str) -> ApiError:
    return ApiError(401, message, headers=_CHALLENGE)
