"""The demo chat's two endpoints, only ever routed while the demo is on:

- `GET /demo/api/borrowers`: the demo borrowers (bot/loans/demo.py) the database holds, with
  their language, currencies and days past due, to pick one from.
- `POST /demo/api/token {"borrower_id"}`: a borrower token for one of them, signed with the
  wallet secret and valid for DEMO_TOKEN_LIFETIME, which the page then uses with the real chat
  API, as the wallet app would. Only for a demo borrower: an id outside bot/loans/demo.py, or
  one whose database record is not that demo borrower (another name: a real customer who
  happens to have the id), is a 404, exactly like an id nobody has.
"""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot import audit
from bot.auth.borrower_tokens import issue_borrower_token
from bot.clock import isoformat, today_in, utcnow
from bot.db.models import Borrower, Loan
from bot.gateway.errors import ApiError
from bot.gateway.keys import DATABASE, SETTINGS
from bot.loans.accounts import balance_of
from bot.loans.demo import DEMO

DEMO_TOKEN_LIFETIME = timedelta(minutes=30)  # the page asks for another when it runs out
MAX_TOKEN_BODY_BYTES = 1024
# id → name of every demo borrower, in the demo's order (the order they are listed in).
DEMO_NAMES: dict[str, str] = {entry[0]: entry[1] for entry in DEMO}
BAD_BODY = 'the body must be a JSON object with a "borrower_id" string'
NOT_A_DEMO_BORROWER = "no such demo borrower"


async def list_borrowers(request: web.Request) -> web.Response:
    borrowers = await request.app[DATABASE].run(_demo_borrowers)
    return web.json_response({"borrowers": borrowers})


async def issue_token(request: web.Request) -> web.Response:
    borrower_id = _borrower_id(await request.read())
    if not await request.app[DATABASE].run(_grant_token, borrower_id):
        raise ApiError(404, NOT_A_DEMO_BORROWER)
    settings = request.app[SETTINGS]
    lifetime = min(DEMO_TOKEN_LIFETIME, settings.wallet_token_max_lifetime)
    token = issue_borrower_token(settings.jwt_secret, borrower_id, lifetime)
    return web.json_response({
        "token": token,
        "borrower_id": borrower_id,
        "expires_at": isoformat(utcnow() + lifetime),
    })


def _borrower_id(raw: bytes) -> str:
    if len(raw) > MAX_TOKEN_BODY_BYTES:
        raise ApiError(413, "the request body is too large")
    try:
        body = json.loads(raw) if raw else None
    except (ValueError, RecursionError):
        raise ApiError(400, BAD_BODY) from None
    borrower_id = body.get("borrower_id") if isinstance(body, dict) else None
    if not isinstance(borrower_id, str):
        raise ApiError(400, BAD_BODY)
    return borrower_id


# --- in a transaction ------------------------------------------------------------------------


def _demo_borrowers(session: Session) -> list[dict[str, Any]]:
    found = {b.id: b for b in session.execute(
        select(Borrower)
        .where(Borrower.id.in_(DEMO_NAMES))
        .options(selectinload(Borrower.loans).selectinload(Loan.bills))
    ).scalars() if DEMO_NAMES[b.id] == b.name}
    return [_summary(session, found[borrower_id]) for borrower_id in DEMO_NAMES if borrower_id in found]


def _summary(session: Session, borrower: Borrower) -> dict[str, Any]:
    today = today_in(borrower.timezone)
    balances = [balance_of(session, loan, today) for loan in borrower.loans]
    return {
        "id": borrower.id,
        "name": borrower.name,
        "language": borrower.language,
        "currencies": list(dict.fromkeys(balance.currency for balance in balances)),
        "days_past_due": max((balance.days_past_due for balance in balances), default=0),
    }


def _grant_token(session: Session, borrower_id: str) -> bool:
    """Whether the id is a demo borrower's, as the database holds them; if it is, the token
    about to be issued is in the audit record."""
    name = session.execute(
        select(Borrower.name).where(Borrower.id == borrower_id)).scalar_one_or_none()
    if name is None or DEMO_NAMES.get(borrower_id) != name:
        return False
    audit.record(session, audit.SYSTEM, "demo_token_issued", borrower_id=borrower_id)
    return True
