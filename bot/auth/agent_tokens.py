"""Agent tokens: HS256 JWTs signed with `AGENT_JWT_SECRET`, `sub` = username, `aud` = "agent",
`exp` required, valid for one shift at most (`AGENT_TOKEN_MAX_SECONDS`). A borrower token (no
"agent" audience) is never one of these, and the borrower API refuses these (PyJWT refuses any
`aud` where no audience is expected)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

from bot.auth.tokens import ALGORITHM, TokenClaims, decode

AUDIENCE = "agent"
TOKEN_TTL = timedelta(hours=8)  # one shift; `issue_agent_token(..., ttl=...)` for another
MAX_LIFETIME = TOKEN_TTL


def issue_agent_token(secret: str, username: str, ttl: timedelta = TOKEN_TTL) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": username, "aud": AUDIENCE, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def agent_of_token(secret: str, token: str, max_lifetime: timedelta = MAX_LIFETIME) -> TokenClaims:
    """The username the token names (`subject`) and its expiry; raises InvalidToken for
    anything else (a borrower token included: it has no "agent" audience)."""
    return decode(token, secret, max_lifetime=max_lifetime, audience=AUDIENCE)
