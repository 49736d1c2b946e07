"""Agent tokens: HS256 JWTs signed with `AGENT_JWT_SECRET`, `sub` = username, `aud` = "agent",
`exp` required. A borrower token (no "agent" audience) is never one of these, and the borrower
API refuses these (PyJWT refuses any `aud` where no audience is expected)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

from bot.auth.borrower_tokens import ALGORITHM, InvalidToken

AUDIENCE = "agent"
TOKEN_TTL = timedelta(hours=8)  # one shift; `issue_agent_token(..., ttl=...)` for another


def issue_agent_token(secret: str, username: str, ttl: timedelta = TOKEN_TTL) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": username, "aud": AUDIENCE, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def agent_of_token(secret: str, token: str) -> str:
    """The username the token names; raises InvalidToken for anything else (a borrower
    token included: it has no "agent" audience)."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], audience=AUDIENCE,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise InvalidToken("the token names no agent")
    return subject
