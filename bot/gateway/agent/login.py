"""`POST /api/v1/agent/login` (CONTRACT §5): an agent's username and password for a token and
their role (`{"token", "role"}`).

Every attempt is audited with actor `agent:<username>`; passwords are never logged, audited or
echoed. Repeated failures for a name or from an address are throttled (429); each attempt is
counted before its password is checked, so a burst of guesses gets no further than the limit.
The account is read in one short transaction, the password checked on bcrypt's own threads
(never holding a database connection), and the outcome audited in another transaction.
"""
from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot import audit
from bot.auth.agent_tokens import TOKEN_TTL, issue_agent_token
from bot.auth.agents import USERNAME, Account, active_account
from bot.gateway.agent.auth import unauthorised
from bot.gateway.agent.login_throttle import Attempt, Throttled
from bot.gateway.agent.password_pool import PoolBusy
from bot.gateway.errors import ApiError
from bot.gateway.keys import DATABASE, LOGIN_THROTTLE, PASSWORDS, SETTINGS

BAD_LOGIN = 'the body must be a JSON object with "username" and "password" strings'
WRONG_CREDENTIALS = "the username or password is wrong"
TOO_MANY_FAILURES = "too many failed logins; try again later"
TOO_MANY_LOGINS = "too many logins at once; try again in a moment"


async def login(request: web.Request) -> web.Response:
    app = request.app
    username, password = await _read_login(request)
    attempt = await _reserve_attempt(request, username)
    account = await _verified_account(app, attempt, username, password)
    await app[LOGIN_THROTTLE].succeeded(attempt)
    await app[DATABASE].run(_audit_login, account)
    return web.json_response({"token": _token(app, account), "role": account.role.value})


async def _read_login(request: web.Request) -> tuple[str, str]:
    raw = await request.read()
    try:
        return _parse_login(raw)
    except ApiError:
        await request.app[DATABASE].run(_audit_malformed_login, raw)
        raise


async def _reserve_attempt(request: web.Request, username: str) -> Attempt:
    """The attempt, counted as a failure until it succeeds; 429 when too many have failed."""
    keys = (("user", username.lower()), ("address", request.remote))
    try:
        return await request.app[LOGIN_THROTTLE].reserve(*keys)
    except Throttled as throttled:
        await request.app[DATABASE].run(_audit_failure, username, "too many failures")
        raise ApiError(429, TOO_MANY_FAILURES,
                       headers={"Retry-After": str(throttled.retry_after)}) from None


async def _verified_account(app: web.Application, attempt: Attempt, username: str,
                            password: str) -> Account:
    """The account, if the password is its own; 401 otherwise (the same for an unknown or
    deactivated agent), 503 when too many passwords are being checked already."""
    database = app[DATABASE]
    account = await database.run(active_account, username)
    try:
        matches = await app[PASSWORDS].matches(password, account)
    except PoolBusy:
        await app[LOGIN_THROTTLE].not_checked(attempt)
        await database.run(_audit_failure, username, "too many logins at once")
        raise ApiError(503, TOO_MANY_LOGINS, headers={"Retry-After": "1"}) from None
    if not matches or account is None:  # no account matches no password (the stand-in hash)
        await database.run(_audit_failure, username, "wrong credentials")
        raise unauthorised(WRONG_CREDENTIALS)
    return account


def _token(app: web.Application, account: Account) -> str:
    settings = app[SETTINGS]
    # Never longer than the gateway itself accepts (AGENT_TOKEN_MAX_SECONDS).
    ttl = min(TOKEN_TTL, settings.agent_token_max_lifetime)
    return issue_agent_token(settings.agent_jwt_secret, account.username, ttl)


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


def _audit_login(session: Session, account: Account) -> None:
    audit.record(session, audit.agent(account.username), "agent_login",
                 details={"role": account.role.value})


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
