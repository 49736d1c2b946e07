"""Arrangements an agent records from the console: the same policy and checks as the bot's,
recorded as made by that agent.

The request names the kind and its fields by their names in the kind's definition:
  {"loan_id", "type": "deferral", "days": 14}
  {"loan_id", "type": "instalment_plan", "count": 6, "first_due_date": "2026-12-01"}
  {"loan_id", "type": "promise_to_pay", "amount": "500.00", "date": "2026-12-05"}
(the earlier names "instalments" and "first_date" are still read). Numbers may be JSON
numbers or strings; money is never a JSON float (not exact).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.arrangements.kinds import Field, Invalid, Kind, Situation, UnknownKind, kind_named
from bot.arrangements.policy import PolicyBook
from bot.arrangements.service import NotEligible, create_arrangement, eligibility_of
from bot.db.models import Arrangement
from bot.loans.accounts import load_account, open_conversation

# What an agent reads when policy says no (reason codes of eligibility and of the kinds).
REFUSALS = {
    "nothing_owed": "nothing is owed on this loan",
    "not_overdue": "the loan is not overdue",
    "collection_hold": "collection is on hold for this loan (a dispute): resolve the dispute first",
    "active_arrangement": "the loan already has an active arrangement",
    "too_far_past_due": "the loan is too far past due for this arrangement under the policy",
    "recent_deferral": "the loan had a deferral too recently under the policy",
    "no_minimum_configured": "the policy sets no instalment plan for this currency",
    "below_minimum": "the overdue amount is below the policy's minimum for an instalment plan",
    "not_a_number": "give a whole number",
    "out_of_range": "the number is outside what the policy allows",
    "not_offered": "the policy does not offer that number of instalments",
    "not_a_date": "give a date as YYYY-MM-DD",
    "in_past": "the date is in the past (in the borrower's time zone)",
    "too_late": "the first payment date is later than the policy allows",
    "beyond_horizon": "the date is further away than the policy allows",
    "not_an_amount": "give an amount in the loan's currency, e.g. 500.00",
    "amount_not_positive": "the amount must be more than zero",
    "amount_above_owed": "the amount is more than is owed",
    "partial_not_allowed": "the policy does not allow a promise of part of what is owed",
}


class ArrangementRequestInvalid(Exception):
    """The request is malformed (400)."""


class OutsidePolicy(Exception):
    """The policy does not allow it (422): `reason` is the code, `field` the value at fault
    (None for the arrangement as a whole), `str()` what an agent reads."""

    def __init__(self, reason: str, details: Mapping[str, Any], field: str | None = None) -> None:
        text = REFUSALS.get(reason, reason.replace("_", " "))
        super().__init__(f"{field}: {text}" if field else text)
        self.reason, self.details, self.field = reason, details, field


@dataclass(frozen=True)
class Request:
    loan_id: str
    kind: Kind[Any, Any]
    fields: Mapping[str, Any]  # the body as sent

    def raw(self, field: Field) -> object:
        names = (field.name, *field.aliases)
        return next((self.fields[name] for name in names if name in self.fields), None)


def parse_request(body: object) -> Request:
    if not isinstance(body, dict):
        raise ArrangementRequestInvalid("the body must be a JSON object")
    loan_id = body.get("loan_id")
    if not isinstance(loan_id, str) or not loan_id:
        raise ArrangementRequestInvalid('"loan_id" must name one of the borrower\'s loans')
    try:
        kind = kind_named(body.get("type"))
    except UnknownKind as error:
        raise ArrangementRequestInvalid(f'"type": {error}') from None
    return Request(loan_id, kind, body)


def arrange(session: Session, borrower_id: str, agent: str, request: Request,
            book: PolicyBook) -> Arrangement:
    """Checks eligibility and the values against the policy, then records the arrangement."""
    account = load_account(session, borrower_id)
    balance = next((b for b in (account.balances if account else ()) if b.loan_id == request.loan_id), None)
    if account is None or balance is None:
        raise LookupError(request.loan_id)
    eligibility = eligibility_of(session, balance.loan_id, request.kind, book, account.today)
    if not eligibility.ok:
        raise OutsidePolicy(eligibility.reason or "not_offered", eligibility.details)
    where = Situation(balance, account.today, book.for_currency(balance.currency))
    terms = request.kind.terms(_checked_values(request, where), where)
    conversation = open_conversation(session, borrower_id)  # where the agent agreed it
    try:
        arrangement, _ = create_arrangement(
            session, loan_id=balance.loan_id, terms=terms,
            conversation_id=conversation.id if conversation else None,
            created_by=f"agent:{agent}", idempotency_key=None,
        )
    except NotEligible as refusal:  # another arrangement won the race
        raise OutsidePolicy(refusal.reason, refusal.details) from None
    return arrangement


def _checked_values(request: Request, where: Situation) -> dict[str, Any]:
    """Each field's typed value, in the definition's order; the first one at fault refuses."""
    values = {}
    for field in request.kind.fields:
        value, invalid = request.kind.check(field, request.raw(field), where)
        if invalid is not None:
            raise _refusal(field, invalid)
        values[field.name] = value
    return values


def _refusal(field: Field, invalid: Invalid) -> OutsidePolicy:
    return OutsidePolicy(invalid.reason, invalid.details, field=field.name)
