"""Who is asking on the agent API: an active agent named by an agent token, and nothing else.

Agent tokens are HS256 JWTs signed with `AGENT_JWT_SECRET`: `sub` = username, `aud` = "agent",
`exp` required. A borrower token (no "agent" audience) is refused here, and an agent token is
refused by the borrower API (see bot/gateway/auth.py).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable, TypeVar

import jwt
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Agent
from bot.gateway.auth import request_token
from bot.gateway.errors import ApiError
from bot.gateway.keys import DATABASE, SETTINGS
from bot.tokens import ALGORITHM, InvalidToken

T = TypeVar("T")
AUDIENCE = "agent"
TOKEN_TTL = timedelta(hours=8)  # one shift; `issue_agent_token(..., ttl=...)` for another
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="agent"'}


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


async def authenticate_agent(request: web.Request, *, allow_query_token: bool = False) -> str:
    """The username of the request's agent; ApiError 401 for a missing, invalid or expired
    token, or one whose agent is unknown or deactivated (checked on every request).
    `?token=` only where a browser cannot send a header (the console's WebSocket)."""
    token = request_token(request, allow_query_token)
    if not token:
        raise unauthorised("a bearer token is required")
    try:
        username = agent_of_token(request.app[SETTINGS].agent_jwt_secret, token)
    except InvalidToken:
        raise unauthorised("the token is invalid or expired") from None
    if not await in_transaction(request.app, _is_active, username):
        raise unauthorised("the token is invalid or expired")
    return username


async def in_transaction(app: web.Application, work: Callable[..., T], *args: Any) -> T:
    """`work(session, *args)` in one short transaction, off the event loop."""
    return await app[DATABASE].run(work, *args)


def unauthorised(message: str) -> ApiError:
    return ApiError(401, message, headers=_CHALLENGE)


def _is_active(session: Session, username: str) -> bool:
    return bool(session.execute(
        select(Agent.active).where(Agent.username == username)
    ).scalar_one_or_none())
