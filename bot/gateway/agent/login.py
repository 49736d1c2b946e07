"""`POST /api/v1/agent/login` (CONTRACT §5): an agent's username and password for a token.

Every attempt is audited with actor `agent:<username>`; passwords are never logged, audited or
echoed. Repeated failures for a name or from an address are throttled (429).
"""
from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot import audit
from bot.auth.agent_tokens import issue_agent_token
from bot.auth.agents import USERNAME, check_password
from bot.gateway.agent.auth import unauthorised
from bot.gateway.errors import ApiError
from bot.gateway.keys import DATABASE, LOGIN_THROTTLE, SETTINGS

BAD_LOGIN = 'the body must be a JSON object with "username" and "password" strings'
WRONG_CREDENTIALS = "the username or password is wrong"
TOO_MANY_FAILURES = "too many failed logins; try again later"


async def login(request: web.Request) -> web.Response:
    database = request.app[DATABASE]
    raw = await request.read()
    try:
        username, password = _parse_login(raw)
    except ApiError:
        await database.run(_audit_malformed_login, raw)
        raise
    throttle, keys = request.app[LOGIN_THROTTLE], (("user", username.lower()), ("address", request.remote))
    wait = throttle.retry_after(*keys)
    if wait:
        await database.run(_audit_failure, username, "too many failures")
        raise ApiError(429, TOO_MANY_FAILURES, headers={"Retry-After": str(wait)})
    # bcrypt is slow on purpose: in the executor, like the database work.
    if not await database.run(_check_and_audit, username, password):
        throttle.failed(*keys)
        raise unauthorised(WRONG_CREDENTIALS)
    throttle.succeeded(keys[0])
    token = issue_agent_token(request.app[SETTINGS].agent_jwt_secret, username)
    return web.json_response({"token": token})


def _parse_login(raw: bytes) -> tuple[str, str]:
    try:
        body = json.loads(raw) if raw else None
    except (ValueError, RecursionError):
        raise ApiError(400, BAD_LOGIN) from None
    if not isinstance(body, dict):
        raise ApiError(400, BAD_LOGIN)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise ApiError(400, BAD_LOGIN)
    if not (_storable(username) and _storable(password)):
        raise ApiError(400, "the username or password contains characters that cannot be read")
    return username, password


def _storable(text: str) -> bool:
    # JSON may carry NUL or lone surrogates ("\ud800"): no agent's name or password has them.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _check_and_audit(session: Session, username: str, password: str) -> bool:
    ok = check_password(session, username, password)  # False for unknown or deactivated agents
    if ok:
        audit.record(session, _actor(username), "agent_login")
    else:
        _audit_failure(session, username, "wrong credentials")
    return ok


def _audit_failure(session: Session, username: str, reason: str) -> None:
    audit.record(session, _actor(username), "agent_login_failed",
                 details=_named(username, {"reason": reason}))


def _audit_malformed_login(session: Session, raw: bytes) -> None:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        body = None
    username = body.get("username") if isinstance(body, dict) else None  # never the password
    _audit_failure(session, username if isinstance(username, str) else "", "malformed request")


def _actor(username: str) -> str:
    # Only a possible username goes in the actor column (100 characters, indexed by people).
    return audit.agent(username) if USERNAME.match(username) else audit.agent("?")


def _named(username: str, details: dict[str, Any]) -> dict[str, Any]:
    # Whatever else was typed as a username is kept, escaped and cut short, for the record.
    if username and not USERNAME.match(username):
        details["username"] = ascii(username[:100])
    return details
