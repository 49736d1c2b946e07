"""Arrangements an agent records from the console: the same policy and checks as the bot's,
recorded as made by that agent.

The request is what the console's form sends (JSON):
  {"loan_id", "type": "deferral", "days": 14}
  {"loan_id", "type": "instalment_plan", "instalments": 6, "first_date": "2026-12-01"}
  {"loan_id", "type": "promise_to_pay", "amount": "500.00", "date": "2026-12-05"}
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.arrangements import TYPES
from bot.arrangements import terms as rules
from bot.arrangements.eligibility import promise_owed
from bot.arrangements.service import NotEligible, create_arrangement, eligibility_of
from bot.db.models import Arrangement
from bot.loans.accounts import load_account, open_conversation
from bot.loans.balance import LoanBalance
from bot.arrangements.policy import Policy, PolicyBook

# What an agent reads when policy says no (reason codes of eligibility.py and terms.py).
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
    "out_of_range": "the number of days is outside what the policy allows",
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
    """The policy does not allow it (422): `reason` is the code, `str()` what an agent reads."""

    def __init__(self, reason: str, details: dict) -> None:
        super().__init__(REFUSALS.get(reason, reason.replace("_", " ")))
        self.reason, self.details = reason, details


@dataclass(frozen=True)
class Request:
    loan_id: str
    type: str
    fields: dict


def parse_request(body: object) -> Request:
    if not isinstance(body, dict):
        raise ArrangementRequestInvalid("the body must be a JSON object")
    loan_id, type_ = body.get("loan_id"), body.get("type")
    if not isinstance(loan_id, str) or not loan_id:
        raise ArrangementRequestInvalid('"loan_id" must name one of the borrower\'s loans')
    if type_ not in TYPES:
        raise ArrangementRequestInvalid(f'"type" must be one of {", ".join(TYPES)}')
    return Request(loan_id, type_, body)


def arrange(session: Session, borrower_id: str, agent: str, request: Request,
            book: PolicyBook) -> Arrangement:
    """Checks eligibility and the values against the policy, then records the arrangement."""
    account = load_account(session, borrower_id)
    balance = next((b for b in (account.balances if account else ()) if b.loan_id == request.loan_id), None)
    if balance is None:
        raise LookupError(request.loan_id)
    eligibility = eligibility_of(session, balance.loan_id, request.type, book, account.today)
    if not eligibility.ok:
        raise OutsidePolicy(eligibility.reason, eligibility.details)
    terms = _terms(request, balance, account.today, book.for_currency(balance.currency))
    conversation = open_conversation(session, borrower_id)  # where the agent agreed it
    try:
        arrangement, _ = create_arrangement(
            session, loan_id=balance.loan_id, type=request.type, terms=terms,
            conversation_id=conversation.id if conversation else None,
            created_by=f"agent:{agent}", idempotency_key=None,
        )
    except NotEligible as refusal:  # another arrangement won the race
        raise OutsidePolicy(refusal.reason, refusal.details) from None
    return arrangement


def _terms(request: Request, balance: LoanBalance, today: date, policy: Policy) -> dict:
    f = request.fields
    if request.type == "deferral":
        days = _whole(f.get("days"))
        _valid(rules.validate_deferral_days(days, policy))
        return rules.deferral_terms(balance, int(days), today, policy)
    if request.type == "instalment_plan":
        count, first = _whole(f.get("instalments")), _text(f.get("first_date"))
        _valid(rules.validate_instalment_count(count, policy)
               or rules.validate_first_date(first, today, policy))
        return rules.plan_terms(balance.overdue_amount, balance.currency, int(count),
                                date.fromisoformat(first))
    amount, on = _text(f.get("amount")), _text(f.get("date"))
    _valid(rules.validate_promise(amount, on, promise_owed(balance), today, policy))
    return rules.promise_terms(Decimal(amount), date.fromisoformat(on), balance.currency)


def _valid(invalid: rules.Invalid | None) -> None:
    if invalid is not None:
        raise OutsidePolicy(invalid.reason, invalid.details)


def _whole(value: object) -> str:
    # JSON whole numbers and digit strings; anything else fails the validator as "not_a_number".
    return _text(value)


def _text(value: object) -> str:
    # A JSON float is never money: only strings and whole numbers are read.
    return str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""

