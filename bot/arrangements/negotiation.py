"""What the bot says and does while agreeing an arrangement, as domain values.

Actions call these with a session; they return `Reply`s (response names and values, the
wording being in domain.yml) and plain data, so the whole negotiation is testable without
Rasa. Money and dates are formatted for the borrower's language here. It also decides when
the negotiation is a person's to carry on: a refusal a person could set aside, or a borrower
who has said no to everything the bot can offer.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.arrangements import TYPES, terms as rules
from bot.arrangements.eligibility import promise_owed
from bot.arrangements.service import create_arrangement, eligibility_of
from bot.handoffs.summary import Offers
from bot.loans.accounts import Account
from bot.money import format_money
from bot.arrangements.policy import PolicyBook
from bot.replies.dates import show_date
from bot.replies.reply import Reply
from bot.values.expected import as_expected
from bot.values.extract import Value

DEFERRAL, PLAN, PROMISE = "deferral", "instalment_plan", "promise_to_pay"

# Refusals of policy limits that a person may weigh for this borrower (a debt older than
# self-service allows, a second deferral, a plan in a currency the bot has none for): these
# go to a person at once. The others are only explained: nothing overdue or owed leaves
# nothing to arrange, a collection hold means a person already has the dispute, an active
# arrangement stays as agreed, and an amount below the plan minimum is small enough to pay in
# one go or by a promise, which the bot can take itself.
PERSON_MAY_ALLOW = frozenset({"too_far_past_due", "recent_deferral", "no_minimum_configured"})


@dataclass(frozen=True)
class Offer:
    ok: bool
    type: str
    loan_id: str | None
    currency: str | None
    reason: str | None = None
    details: dict = field(default_factory=dict)


def choose_offer(session: Session, account: Account, type: str, book: PolicyBook) -> Offer:
    """The most overdue loan this arrangement can be offered on; else why not (for the most
    overdue loan, which is the one the borrower most likely means)."""
    candidates = sorted(
        (b for b in account.balances if b.outstanding > 0),
        key=lambda b: (-b.days_past_due, -b.overdue_amount, b.loan_id),
    )
    refusal = None
    for balance in candidates:
        eligibility = eligibility_of(session, balance.loan_id, type, book, account.today)
        if eligibility.ok:
            return Offer(True, type, balance.loan_id, balance.currency, None, eligibility.details)
        refusal = refusal or Offer(False, type, balance.loan_id, balance.currency,
                                   eligibility.reason, eligibility.details)
    return refusal or Offer(False, type, None, None, "nothing_owed")


def offer_replies(offer: Offer, language: str) -> list[Reply]:
    details = _shown(offer.details, offer.currency, language)
    if offer.ok:
        return [Reply(f"utter_offer_{offer.type}", {"loan_id": offer.loan_id, **details})]
    then = "utter_handover_ineligible" if needs_person(offer) else "utter_offer_human"
    return [Reply(f"utter_not_eligible_{offer.reason}", {"loan_id": offer.loan_id or "-", **details}),
            Reply(then)]


def needs_person(offer: Offer) -> bool:
    """A refusal the bot hands to a person rather than only explaining."""
    return not offer.ok and offer.reason in PERSON_MAY_ALLOW


def every_offer_refused(session: Session, account: Account, offers: Offers, book: PolicyBook) -> bool:
    """The borrower has said no to each arrangement they were offered or could be offered
    today: offering yet again would only go round in circles."""
    if not offers.declined:
        return False
    available = {type for type in TYPES if choose_offer(session, account, type, book).ok}
    return (available | set(offers.made)) <= set(offers.declined)


def noted(types: tuple[str, ...], type: str | None) -> tuple[str, ...]:
    """`types` with `type` added once, in the order the conversation met them."""
    return types if type is None or type in types else (*types, type)


def pick(entities: list[dict], wanted: str) -> Value | None:
    """The first `wanted` value in the message's entities, a bare number read as a count
    when a count is wanted (the bot just asked "how many?")."""
    values = [Value(e["entity"], e.get("start", 0), e.get("end", 0), "", e.get("value"), e.get("problem"))
              for e in entities if e.get("entity") in ("amount", "date", "instalments", "duration_days")]
    return next((v for v in as_expected(values, wanted) if v.entity == wanted), None)


def check_value(slot: str, value: Value, offer: Offer, today: date, book: PolicyBook,
                owed: Decimal | None = None) -> rules.Invalid | None:
    """Why the borrower's value can't be used (None when it can)."""
    if value.problem or value.value is None:
        return rules.Invalid(value.problem or "not_understood", {})
    policy = book.for_currency(offer.currency)
    if slot == "deferral_days":
        return rules.validate_deferral_days(value.value, policy)
    if slot == "instalment_count":
        return rules.validate_instalment_count(value.value, policy)
    if slot == "first_payment_date":
        return rules.validate_first_date(value.value, today, policy)
    if slot == "promise_amount":
        return rules.validate_promise_amount(value.value, owed, policy)
    return rules.validate_promise_date(value.value, today, policy)


def invalid_replies(slot: str, offer: Offer, today: date, book: PolicyBook, owed: Decimal,
                    language: str) -> list[Reply]:
    """A clear re-ask that names what is allowed, whatever was wrong with the answer."""
    allowed = allowed_values(slot, offer, today, book, owed)
    return [Reply(f"utter_invalid_{slot}", _shown(allowed, offer.currency, language))]


def allowed_values(slot: str, offer: Offer, today: date, book: PolicyBook, owed: Decimal) -> dict:
    policy = book.for_currency(offer.currency)
    if slot == "deferral_days":
        return {"max_days": policy.deferral.max_days}
    if slot == "instalment_count":
        return {"counts": list(policy.instalment.counts)}
    if slot == "first_payment_date":
        last = today + timedelta(days=policy.instalment.first_within_days)
        return {"first_date": today.isoformat(), "last_date": last.isoformat()}
    if slot == "promise_amount":
        return {"owed": str(owed)}
    last = today + timedelta(days=policy.promise.horizon_days)
    return {"first_date": today.isoformat(), "last_date": last.isoformat()}


def proposal(account: Account, offer: Offer, slots: dict, book: PolicyBook) -> dict:
    """The exact terms the borrower is asked to agree to."""
    balance = next(b for b in account.balances if b.loan_id == offer.loan_id)
    policy = book.for_currency(balance.currency)
    if offer.type == DEFERRAL:
        return rules.deferral_terms(balance, int(slots["deferral_days"]), account.today, policy)
    if offer.type == PLAN:
        return rules.plan_terms(balance.overdue_amount, balance.currency, int(slots["instalment_count"]),
                                date.fromisoformat(slots["first_payment_date"]))
    return rules.promise_terms(Decimal(slots["promise_amount"]), date.fromisoformat(slots["promise_date"]),
                               balance.currency)


def proposal_replies(offer: Offer, terms: dict, language: str) -> list[Reply]:
    currency = terms["currency"]
    money = lambda amount: format_money(Decimal(amount), currency, language)  # noqa: E731
    day = lambda iso: show_date(date.fromisoformat(iso), language)  # noqa: E731
    values = {"loan_id": offer.loan_id}
    if offer.type == DEFERRAL:
        values.update(amount=money(terms["amount"]), days=terms["days"],
                      new_due_date=day(terms["new_due_date"]), fee=money(terms["fee"]))
    elif offer.type == PLAN:
        values.update(total=money(terms["total"]), count=terms["count"], schedule="\n".join(
            f"{i}. {day(item['due_date'])}  {money(item['amount'])}"
            for i, item in enumerate(terms["instalments"], start=1)))
    else:
        values.update(amount=money(terms["amount"]), date=day(terms["date"]))
    return [Reply(f"utter_propose_{offer.type}", values), Reply("utter_ask_confirm")]


def agree(session: Session, offer: Offer, terms: dict, conversation_id: str) -> tuple[str, bool]:
    """Records the arrangement; the same terms confirmed again in this conversation (a retried
    request, a double tap) give back the same arrangement."""
    arrangement, created = create_arrangement(
        session, loan_id=offer.loan_id, type=offer.type, terms=terms,
        conversation_id=conversation_id, created_by="bot",
        idempotency_key=idempotency_key(conversation_id, offer, terms),
    )
    return arrangement.id, created


def idempotency_key(conversation_id: str, offer: Offer, terms: dict) -> str:
    content = json.dumps([conversation_id, offer.loan_id, offer.type, terms], sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:40]


def owed_for_promise(account: Account, loan_id: str) -> Decimal:
    return promise_owed(next(b for b in account.balances if b.loan_id == loan_id))


def _shown(details: dict, currency: str | None, language: str) -> dict:
    """Details as a reply shows them: money formatted, ISO dates as the reader's dates."""
    shown = {}
    for key, value in details.items():
        if isinstance(value, list):
            value = ("、" if language == "zh" else ", ").join(str(item) for item in value)
        elif key in ("amount", "total", "owed", "fee") and currency:
            value = format_money(Decimal(value), currency, language)
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-":
            value = show_date(date.fromisoformat(value), language)
        shown[key] = value
    return shown
