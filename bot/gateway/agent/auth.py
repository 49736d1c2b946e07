"""Who is asking on the agent API: an active agent named by an agent token, and nothing else
(tokens: bot/auth/agent_tokens.py)."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.auth.agent_tokens import agent_of_token
from bot.auth.borrower_tokens import InvalidToken
from bot.db.models import Agent
from bot.gateway.bearer import request_token
from bot.gateway.errors import ApiError
from bot.gateway.keys import DATABASE, SETTINGS

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="agent"'}


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
    if not await request.app[DATABASE].run(_is_active, username):
        raise unauthorised("the token is invalid or expired")
    return username


def unauthorised(message: str) -> ApiError:
    return ApiError(401, message, headers=_CHALLENGE)


def _is_active(session: Session, username: str) -> bool:
    return bool(session.execute(
        select(Agent.active).where(Agent.username == username)
    ).scalar_one_or_none())
