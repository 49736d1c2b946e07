"""Who is asking on the wallet API: the wallet's ledger service, by its shared token
(WALLET_SERVICE_TOKEN). A borrower's or an agent's token is no such thing, and is refused."""
from __future__ import annotations

import hmac

from aiohttp import web

from bot.gateway.bearer import bearer_token
from bot.gateway.errors import ApiError
from bot.gateway.keys import SETTINGS

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="wallet"'}


def authenticate_wallet(request: web.Request) -> None:
    """ApiError 401 unless the request carries the service token."""
    token = bearer_token(request)
    if not token:
        raise ApiError(401, "the wallet service token is required", headers=_CHALLENGE)
    expected = request.app[SETTINGS].wallet_service_token
    # Constant time: how long the comparison takes tells nothing of the token.
    if not hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8")):
        raise ApiError(401, "the token is not the wallet service token", headers=_CHALLENGE)
