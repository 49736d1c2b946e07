"""Who is asking: the borrower a wallet token names, and nothing else."""
from __future__ import annotations

from aiohttp import web

from bot.auth.borrower_tokens import borrower_of_token
from bot.auth.tokens import InvalidToken, TokenClaims
from bot.gateway.bearer import request_token
from bot.gateway.errors import ApiError
from bot.gateway.keys import CONVERSATIONS, SETTINGS

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="chat"'}
_INVALID = "the token is invalid or expired"


async def authenticate(request: web.Request) -> str:
    """The borrower id of the request's token; ApiError 401 for a missing, invalid, expired or
    over-long token, or one whose borrower the database does not know."""
    return (await _verified_token(request, allow_query_token=False)).subject


def signed_subject(request: web.Request) -> str:
    """The borrower id of the request's token, checked for its signature, audience and expiry
    only: for a handler whose first read of the database refuses an unknown borrower itself
    (`unknown_borrower()`), one round trip fewer."""
    return _signed(request, allow_query_token=False).subject


def unknown_borrower() -> ApiError:
    """What a valid token of a borrower the database does not know gets: the same 401 as an
    invalid one, which says nothing about who exists."""
    return _unauthorised(_INVALID)


async def authenticate_socket(request: web.Request) -> TokenClaims:
    """The same for a WebSocket handshake, which may carry the token as `?token=` (browsers
    cannot set its headers), with the token's expiry, when the socket is closed."""
    return await _verified_token(request, allow_query_token=True)


async def _verified_token(request: web.Request, *, allow_query_token: bool) -> TokenClaims:
    claims = _signed(request, allow_query_token=allow_query_token)
    await _known(request, claims.subject)
    return claims


async def _known(request: web.Request, borrower_id: str) -> None:
    if not await request.app[CONVERSATIONS].borrower_exists(borrower_id):
        raise unknown_borrower()


def _signed(request: web.Request, *, allow_query_token: bool) -> TokenClaims:
    token = request_token(request, allow_query_token)
    if not token:
        raise _unauthorised("a bearer token is required")
    settings = request.app[SETTINGS]
    try:
        # An agent token is refused here even where both secrets were set alike: it carries
        # `aud: "agent"`, and PyJWT refuses any `aud` when no audience is expected
        # (tests/gateway/agent/test_borrowers_and_login.py holds it to that).
        return borrower_of_token(settings.jwt_secret, token, settings.wallet_token_max_lifetime)
    except InvalidToken:
        raise _unauthorised(_INVALID) from None


def _unauthorised(message: str) -> ApiError:
    return ApiError(401, message, headers=_CHALLENGE)
