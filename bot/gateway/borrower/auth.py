"""Who is asking: the borrower a wallet token names, and nothing else."""
from __future__ import annotations

from aiohttp import web

from bot.auth.borrower_tokens import InvalidToken, borrower_of_token
from bot.gateway.bearer import request_token
from bot.gateway.errors import ApiError
from bot.gateway.keys import CONVERSATIONS, SETTINGS

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


def _unauthorised(message: str) -> ApiError:
    return ApiError(401, message, headers=_CHALLENGE)
