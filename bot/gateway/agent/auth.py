"""Who is asking on the agent API, and whether they may: an active agent named by an agent
token (bot/auth/agent_tokens.py), with the role the agents table gives them now, holding the
permission the route table (bot/gateway/routes.py) names for the route (bot/auth/roles.py).

Every refusal of a signed-in agent is a 403 that says what is missing, and is audited; a role's
refusal names the permission (`{"error", "missing"}`), a borrower rule's only says why.
"""
from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from sqlalchemy.orm import Session

from bot import audit
from bot.auth.agent_tokens import agent_of_token
from bot.auth.agents import active_account
from bot.auth.identity import AgentIdentity
from bot.auth.roles import Permission
from bot.auth.tokens import InvalidToken
from bot.gateway.bearer import request_token
from bot.gateway.errors import ApiError, Handler
from bot.gateway.keys import DATABASE, SETTINGS
from bot.handoffs.access import AccessRefused

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="agent"'}
_IDENTITY = "agent_identity"  # the request's key for the agent, once established
BorrowerCheck = Callable[[Session, AgentIdentity, str], None]


def requiring(permission: Permission, handler: Handler) -> Handler:
    """The handler, behind authentication and a check of the agent's role (applied by the
    route table to every agent route)."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        agent = await authenticate_agent(request)
        if not agent.may(permission):
            why = f"the {agent.role.value} role does not have the {permission.value} permission"
            await request.app[DATABASE].run(_audit_refused, agent, request.path, why, None)
            raise ApiError(403, why, missing=permission.value)  # for the console to tell apart
        return await handler(request)

    return guarded


async def authenticate_agent(request: web.Request) -> AgentIdentity:
    """The request's agent, established once per request; ApiError 401 for a missing, invalid,
    expired or over-long token, or one whose agent is unknown or deactivated (checked on every
    request, as is the role). `?token=` only on a WebSocket handshake, where a browser cannot
    send a header (the console's live feed)."""
    known = request.get(_IDENTITY)
    if known is None:
        known = request[_IDENTITY] = await _identify(request)
    return known


async def check_borrower_access(request: web.Request, check: BorrowerCheck) -> None:
    """Runs a rule of bot/handoffs/access.py for the borrower the path names; its refusal is a
    403, audited."""
    agent, borrower_id = await authenticate_agent(request), request.match_info["id"]
    try:
        await request.app[DATABASE].run(check, agent, borrower_id)
    except AccessRefused as refusal:
        raise await access_refused(request, refusal) from None


async def access_refused(request: web.Request, refusal: AccessRefused) -> ApiError:
    """The 403 for a borrower rule's refusal (raised in the caller's own transaction), audited."""
    agent, borrower_id = await authenticate_agent(request), request.match_info["id"]
    await request.app[DATABASE].run(_audit_refused, agent, request.path, str(refusal), borrower_id[:64])
    return ApiError(403, str(refusal))


def unauthorised(message: str) -> ApiError:
    return ApiError(401, message, headers=_CHALLENGE)


async def _identify(request: web.Request) -> AgentIdentity:
    token = request_token(request, allow_query_token=_is_websocket_handshake(request))
    if not token:
        raise unauthorised("a bearer token is required")
    settings = request.app[SETTINGS]
    try:
        claims = agent_of_token(settings.agent_jwt_secret, token, settings.agent_token_max_lifetime)
    except InvalidToken:
        raise unauthorised("the token is invalid or expired") from None
    account = await request.app[DATABASE].run(active_account, claims.subject)
    if account is None:
        raise unauthorised("the token is invalid or expired")
    return AgentIdentity(account.username, account.role, claims.expires_at)


def _is_websocket_handshake(request: web.Request) -> bool:
    return request.method == "GET" and request.headers.get("Upgrade", "").lower() == "websocket"


def _audit_refused(session: Session, agent: AgentIdentity, path: str, why: str,
                   borrower_id: str | None) -> None:
    audit.record(session, audit.agent(agent.username), "agent_access_refused",
                 borrower_id=borrower_id,
                 details={"role": agent.role.value, "path": path[:200], "why": why})
