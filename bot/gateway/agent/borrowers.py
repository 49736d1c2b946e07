"""The agent API's borrower side (CONTRACT §5): reading a borrower's account, and recording
an arrangement agreed with them. Every read of a borrower is audited, with actor
`agent:<username>`.
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.arrangements import by_agent
from bot.arrangements.kinds import readable
from bot.arrangements.policy import PolicyBook
from bot.auth.identity import AgentIdentity
from bot.clock import isoformat
from bot.db.models import Arrangement, Borrower, Loan
from bot.gateway.agent.auth import access_refused, authenticate_agent, check_borrower_access
from bot.gateway.agent.outreach_view import contacts_of, segments_of
from bot.gateway.errors import ApiError
from bot.gateway.keys import DATABASE, POLICY, STRATEGY
from bot.handoffs import access
from bot.jsonable import jsonable
from bot.ledger.owing import credits_of
from bot.loans.accounts import load_account
from bot.loans.balance import LoanBalance
from bot.loans.schedule import ArrangementProgress
from bot.money import quantize
from bot.outreach.strategy import Strategy


async def get_borrower(request: web.Request) -> web.Response:
    username = (await authenticate_agent(request)).username
    await check_borrower_access(request, access.check_may_read_account)
    view = await request.app[DATABASE].run(_borrower_view, request.match_info["id"], username,
                                            request.app[STRATEGY])
    if view is None:
        raise ApiError(404, "no such borrower")
    return web.json_response(view)


async def create_arrangement(request: web.Request) -> web.Response:
    """An arrangement the agent agreed with the borrower, within policy (bot/arrangements/by_agent.py)."""
    agent = await authenticate_agent(request)
    try:
        # Whole numbers as Decimals: a 5,000-digit number is read (and refused by the policy
        # check, naming its field) instead of failing on Python's integer-string limit.
        body = json.loads(await request.read() or b"null", parse_int=Decimal)
        arrangement_request = by_agent.parse_request(body)
    except (ValueError, RecursionError):
        raise ApiError(400, "the body must be a JSON object") from None
    except by_agent.ArrangementRequestInvalid as error:
        raise ApiError(400, str(error)) from None
    borrower_id, database = request.match_info["id"], request.app[DATABASE]
    try:
        made = await database.run(_arrange, borrower_id, agent, arrangement_request, request.app[POLICY])
    except access.AccessRefused as refusal:
        raise await access_refused(request, refusal) from None
    except LookupError:
        raise ApiError(404, "the borrower has no such loan") from None
    except by_agent.OutsidePolicy as refusal:
        await database.run(_audit_refused_arrangement, borrower_id, agent.username, arrangement_request,
                           refusal)
        status = 409 if refusal.reason == "active_arrangement" else 422
        raise ApiError(status, str(refusal), reason=refusal.reason, field=refusal.field,
                       details=jsonable(refusal.details)) from None
    return web.json_response(made, status=201)


def _arrange(session: Session, borrower_id: str, agent: AgentIdentity,
            arrangement_request: by_agent.Request, book: PolicyBook) -> dict:
    access.check_may_arrange(session, agent, borrower_id)  # in this transaction: no release between
    return _arrangement(by_agent.arrange(session, borrower_id, agent.username, arrangement_request, book))


def _audit_refused_arrangement(session: Session, borrower_id: str, username: str,
                               arrangement_request: by_agent.Request,
                               refusal: by_agent.OutsidePolicy) -> None:
    audit.record(session, audit.agent(username), "arrangement_refused", borrower_id=borrower_id,
                 loan_id=arrangement_request.loan_id[:64],
                 details={"type": arrangement_request.kind.name, "reason": refusal.reason,
                          "field": refusal.field})


def _borrower_view(session: Session, borrower_id: str, username: str,
                   strategy: Strategy) -> dict[str, Any] | None:
    account = load_account(session, borrower_id)  # the borrower's today, in their time zone
    audit.record(session, audit.agent(username), "agent_viewed_borrower", borrower_id=borrower_id,
                 details=None if account is not None else {"found": False})
    if account is None:
        return None
    borrower = session.get(Borrower, borrower_id)  # loaded above, with its loans
    arrangements = _arrangements_by_loan(session, [loan.id for loan in borrower.loans])
    credits = credits_of(session, [loan.id for loan in borrower.loans])
    segments = segments_of(session, [loan.id for loan in borrower.loans], strategy, account.today,
                           account.timezone)
    return {
        "id": borrower.id,
        "name": borrower.name,
        "language": borrower.language,
        "timezone": borrower.timezone,
        "contact_opt_out_at": isoformat(borrower.contact_opt_out_at),
        "loans": [
            {**_loan(loan, balance, arrangements.get(loan.id, []), credits.get(loan.id, Decimal(0))),
             "segment": segments.get(loan.id)}
            for loan, balance in zip(borrower.loans, account.balances, strict=True)
        ],
        "contacts": contacts_of(session, borrower_id),  # outreach, newest first (CONTRACT §8)
    }


def _loan(loan: Loan, balance: LoanBalance, arrangements: list[Arrangement],
          credit: Decimal) -> dict[str, Any]:
    currency = balance.currency
    return {
        "id": loan.id,
        "currency": currency,
        "principal": _money(balance.principal, currency),
        "overdue_amount": _money(balance.overdue_amount, currency),
        "days_past_due": balance.days_past_due,
        "outstanding": _money(balance.outstanding, currency),
        "next_due_date": isoformat(balance.next_due_date),
        "next_due_amount": _money(balance.next_due_amount, currency),
        "collection_hold": bool(loan.collection_hold),
        "credit": _money(credit, currency),  # paid beyond everything owed (bot/ledger/)
        "arrangements": [_arrangement(arrangement) for arrangement in arrangements],
        "arrangement_progress": _progress(balance.arrangement, currency),
    }


def _progress(progress: ArrangementProgress | None, currency: str) -> dict[str, Any] | None:
    """The active arrangement's own schedule, as the figures above count it (bot/loans/balance.py)."""
    if progress is None:
        return None
    following = progress.next_due
    return {
        "arrangement_id": progress.arrangement_id,
        "type": progress.type,
        "replaces_bills": progress.reschedules,  # its dues stand for the overdue bills it covers
        "total": _money(progress.total, currency),
        "paid": _money(progress.paid, currency),
        "instalments_paid": progress.dues_paid,
        "instalments": len(progress.dues),
        "next_due_date": isoformat(following.due_date) if following else None,
        "next_due_amount": _money(following.left if following else Decimal(0), currency),
        "late_fees_frozen": _money(progress.late_fees_frozen, currency),
        "schedule": [{"due_date": isoformat(due.due_date), "amount": _money(due.amount, currency),
                      "paid": _money(due.paid, currency)} for due in progress.dues],
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
    """As stored (CONTRACT §5), plus what the console shows without knowing the kinds: a
    title, a one-line description, and the payments it expects."""
    stored = {
        "id": arrangement.id,
        "type": arrangement.type,
        "status": arrangement.status,
        "created_at": isoformat(arrangement.created_at),
        "created_by": arrangement.created_by,
        "terms": arrangement.terms,
    }
    read = readable(arrangement)
    if read is None:  # a row this version cannot read must not hide the rest of the borrower
        return stored
    kind, terms = read
    return {
        **stored,
        "title": kind.title,
        "description": kind.describe(terms),
        "schedule": jsonable([{"due_date": due.due_date, "amount": quantize(due.amount, terms.currency)}
                              for due in kind.schedule(terms)]),
    }


def _money(amount: Decimal, currency: str) -> str:
    return format(quantize(amount, currency), "f")  # "2145.00": never an exponent
