"""The agent API (CONTRACT §5): logging in, reading a borrower's account, and recording an
arrangement agreed with them. Handoffs are bot/gateway/handoff_api.py's.

Every login attempt and every read of a borrower is audited, with actor `agent:<username>`.
Passwords are never logged, audited or echoed.
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.agents import USERNAME, check_password
from bot.arrangements import by_agent
from bot.clock import isoformat
from bot.db.models import Arrangement, AuditEvent, Borrower
from bot.gateway.agent_auth import (
    authenticate_agent, in_transaction, issue_agent_token, unauthorised,
)
from bot.gateway.errors import ApiError
from bot.gateway.keys import LOGIN_THROTTLE, POLICY, SETTINGS
from bot.loans.accounts import load_account
from bot.money import quantize

BAD_LOGIN = 'the body must be a JSON object with "username" and "password" strings'
WRONG_CREDENTIALS = "the username or password is wrong"
TOO_MANY_FAILURES = "too many failed logins; try again later"


def setup(app: web.Application) -> None:
    app.router.add_post("/api/v1/agent/login", login)
    app.router.add_get("/api/v1/agent/borrowers/{id}", get_borrower)
    app.router.add_post("/api/v1/agent/borrowers/{id}/arrangements", create_arrangement)


async def login(request: web.Request) -> web.Response:
    raw = await request.read()
    try:
        username, password = _parse_login(raw)
    except ApiError:
        await in_transaction(request.app, _audit_malformed_login, raw)
        raise
    throttle, keys = request.app[LOGIN_THROTTLE], (("user", username.lower()), ("address", request.remote))
    wait = throttle.retry_after(*keys)
    if wait:
        await in_transaction(request.app, _audit_throttled, username)
        raise ApiError(429, TOO_MANY_FAILURES, headers={"Retry-After": str(wait)})
    # bcrypt is slow on purpose: in the executor, like the database work.
    if not await in_transaction(request.app, _check_and_audit, username, password):
        throttle.failed(*keys)
        raise unauthorised(WRONG_CREDENTIALS)
    throttle.succeeded(keys[0])
    token = issue_agent_token(request.app[SETTINGS].agent_jwt_secret, username)
    return web.json_response({"token": token})


async def get_borrower(request: web.Request) -> web.Response:
    username = await authenticate_agent(request)
    view = await in_transaction(request.app, _borrower_view, request.match_info["id"], username)
    if view is None:
        raise ApiError(404, "no such borrower")
    return web.json_response(view)


async def create_arrangement(request: web.Request) -> web.Response:
    """An arrangement the agent agreed with the borrower, within policy (bot/arrangements/by_agent.py)."""
    username = await authenticate_agent(request)
    try:
        arrangement_request = by_agent.parse_request(json.loads(await request.read() or b"null"))
    except (ValueError, RecursionError):
        raise ApiError(400, "the body must be a JSON object") from None
    except by_agent.ArrangementRequestInvalid as error:
        raise ApiError(400, str(error)) from None
    borrower_id = request.match_info["id"]
    try:
        made = await in_transaction(request.app, _arrange, borrower_id, username, arrangement_request,
                                    request.app[POLICY])
    except LookupError:
        raise ApiError(404, "the borrower has no such loan") from None
    except by_agent.OutsidePolicy as refusal:
        await in_transaction(request.app, _audit_refused_arrangement, borrower_id, username,
                             arrangement_request, refusal)
        status = 409 if refusal.reason == "active_arrangement" else 422
        raise ApiError(status, str(refusal), reason=refusal.reason, details=refusal.details) from None
    return web.json_response(made, status=201)


def _arrange(session: Session, borrower_id: str, username: str, arrangement_request, book) -> dict:
    return _arrangement(by_agent.arrange(session, borrower_id, username, arrangement_request, book))


def _audit_refused_arrangement(session: Session, borrower_id: str, username: str,
                               arrangement_request, refusal) -> None:
    session.add(AuditEvent(
        actor=f"agent:{username}", action="arrangement_refused", borrower_id=borrower_id,
        loan_id=arrangement_request.loan_id[:64],
        details={"type": arrangement_request.type, "reason": refusal.reason},
    ))


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
        session.add(AuditEvent(actor=_actor(username), action="agent_login"))
    else:
        session.add(AuditEvent(actor=_actor(username), action="agent_login_failed",
                               details=_named(username, {"reason": "wrong credentials"})))
    return ok


def _audit_throttled(session: Session, username: str) -> None:
    session.add(AuditEvent(actor=_actor(username), action="agent_login_failed",
                           details=_named(username, {"reason": "too many failures"})))


def _audit_malformed_login(session: Session, raw: bytes) -> None:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        body = None
    username = body.get("username") if isinstance(body, dict) else None  # never the password
    username = username if isinstance(username, str) else ""
    session.add(AuditEvent(actor=_actor(username), action="agent_login_failed",
                           details=_named(username, {"reason": "malformed request"})))


def _actor(username: str) -> str:
    # Only a possible username goes in the actor column (100 characters, indexed by people).
    return f"agent:{username}" if USERNAME.match(username) else "agent:?"


def _named(username: str, details: dict[str, Any]) -> dict[str, Any]:
    # Whatever else was typed as a username is kept, escaped and cut short, for the record.
    if username and not USERNAME.match(username):
        details["username"] = ascii(username[:100])
    return details


def _borrower_view(session: Session, borrower_id: str, username: str) -> dict[str, Any] | None:
    account = load_account(session, borrower_id)  # the borrower's today, in their time zone
    session.add(AuditEvent(
        actor=f"agent:{username}", action="agent_viewed_borrower", borrower_id=borrower_id,
        details=None if account is not None else {"found": False},
    ))
    if account is None:
        return None
    borrower = session.get(Borrower, borrower_id)  # loaded above, with its loans
    arrangements = _arrangements_by_loan(session, [loan.id for loan in borrower.loans])
    return {
        "id": borrower.id,
        "name": borrower.name,
        "language": borrower.language,
        "timezone": borrower.timezone,
        "contact_opt_out_at": isoformat(borrower.contact_opt_out_at),
        "loans": [
            _loan(loan, balance, arrangements.get(loan.id, []))
            for loan, balance in zip(borrower.loans, account.balances)
        ],
    }


def _loan(loan, balance, arrangements: list[Arrangement]) -> dict[str, Any]:
    currency = balance.currency
    return {
        "id": loan.id,
        "currency": currency,
        "principal": _money(balance.principal, currency),
        "overdue_amount": _money(balance.overdue_amount, currency),
        "days_past_due": balance.days_past_due,
        "outstanding": _money(balance.outstanding, currency),
        "next_due_date": isoformat(balance.next_due_date),
        "collection_hold": bool(loan.collection_hold),
        "arrangements": [_arrangement(arrangement) for arrangement in arrangements],
    }


def _arrangements_by_loan(session: Session, loan_ids: list[str]) -> dict[str, list[Arrangement]]:
    by_loan: dict[str, list[Arrangement]] = {}
    if not loan_ids:
        return by_loan
    rows = session.execute(
        select(Arrangement)
        .where(Arrangement.loan_id.in_(loan_ids))
        .order_by(Arrangement.created_at, Arrangement.id)
    ).scalars()
    for arrangement in rows:
        by_loan.setdefault(arrangement.loan_id, []).append(arrangement)
    return by_loan


def _arrangement(arrangement: Arrangement) -> dict[str, Any]:
    return {
        "id": arrangement.id,
        "type": arrangement.type,
        "status": arrangement.status,
        "created_at": isoformat(arrangement.created_at),
        "created_by": arrangement.created_by,
        "terms": arrangement.terms,
    }


def _money(amount: Decimal, currency: str) -> str:
    return format(quantize(amount, currency), "f")  # "2145.00": never an exponent
