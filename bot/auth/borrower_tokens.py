"""Borrower tokens: HS256 JWTs signed by the wallet app, `sub` = borrower id, `exp` required,
valid for at most `WALLET_TOKEN_MAX_SECONDS` (a day by default)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

from bot.auth.tokens import ALGORITHM, InvalidToken, TokenClaims, decode

__all__ = ["MAX_LIFETIME", "InvalidToken", "borrower_of_token", "issue_borrower_token"]

MAX_LIFETIME = timedelta(days=1)


def issue_borrower_token(secret: str, borrower_id: str, ttl: timedelta = timedelta(hours=1)) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": borrower_id, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def borrower_of_token(secret: str, token: str, max_lifetime: timedelta = MAX_LIFETIME) -> TokenClaims:
    """The borrower the token names (`subject`) and its expiry; raises InvalidToken for anything
    else, an agent token included (PyJWT refuses any `aud` where no audience is expected)."""
    return decode(token, secret, max_lifetime=max_lifetime)
