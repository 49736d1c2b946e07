"""What the bot says and does while agreeing an arrangement, as domain values.

Actions call these with a session; they return `Reply`s (response names and values, the
wording being in domain.yml) and typed values, so the whole negotiation is testable without
Rasa. Nothing here branches on the kind: each kind's definition (bot/arrangements/kinds/)
says what it asks, allows and proposes. It also decides when the negotiation is a person's to
carry on: a refusal a person could set aside, or a borrower who has said no to everything the
bot can offer.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot.arrangements.kinds import KINDS, Field, Invalid, Kind, Situation
from bot.arrangements.policy import PolicyBook
from bot.arrangements.service import create_arrangement, eligibility_of
from bot.handoffs.summary import Offers
from bot.loans.accounts import Account
from bot.replies import names
from bot.replies.reply import Reply
from bot.replies.values import shown
from bot.values.expected import as_expected
from bot.values.extract import ENTITIES, Value

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
    kind: Kind[Any, Any]
    loan_id: str | None
    currency: str | None
    reason: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


def choose_offer(session: Session, account: Account, kind: Kind[Any, Any], book: PolicyBook) -> Offer:
    """The most overdue loan this kind can be offered on; else why not (for the most overdue
    loan, which is the one the borrower most likely means)."""
    candidates = sorted(
        (b for b in account.balances if b.outstanding > 0),
        key=lambda b: (-b.days_past_due, -b.overdue_amount, b.loan_id),
    )
    refusal = None
    for balance in candidates:
        eligibility = eligibility_of(session, balance.loan_id, kind, book, account.today)
        if eligibility.ok:
            return Offer(True, kind, balance.loan_id, balance.currency, None, eligibility.details)
        refusal = refusal or Offer(False, kind, balance.loan_id, balance.currency,
                                   eligibility.reason, eligibility.details)
    return refusal or Offer(False, kind, None, None, "nothing_owed")


def offer_replies(offer: Offer, language: str) -> list[Reply]:
    details = shown(offer.details, offer.currency, language)
    if offer.ok:
        return [Reply(offer.kind.offer_response, {"loan_id": offer.loan_id, **details})]
    then = "utter_handover_ineligible" if needs_person(offer) else "utter_offer_human"
    return [Reply(names.not_eligible(offer.reason or "nothing_owed"),
                  {"loan_id": offer.loan_id or "-", **details}),
            Reply(then)]


def needs_person(offer: Offer) -> bool:
    """A refusal the bot hands to a person rather than only explaining."""
    return not offer.ok and offer.reason in PERSON_MAY_ALLOW


def every_offer_refused(session: Session, account: Account, offers: Offers, book: PolicyBook) -> bool:
    """The borrower has said no to each arrangement they were offered or could be offered
    today: offering yet again would only go round in circles."""
    if not offers.declined:
        return False
    available = {kind.name for kind in KINDS if choose_offer(session, account, kind, book).ok}
    return (available | set(offers.made)) <= set(offers.declined)


def noted(names_so_far: tuple[str, ...], name: str | None) -> tuple[str, ...]:
    """`names_so_far` with `name` added once, in the order the conversation met them."""
    return names_so_far if name is None or name in names_so_far else (*names_so_far, name)


def situation(account: Account, offer: Offer, book: PolicyBook) -> Situation | None:
    """The offered loan as it stands today (None if the account no longer has it)."""
    balance = next((b for b in account.balances if b.loan_id == offer.loan_id), None)
    if balance is None:
        return None
    return Situation(balance, account.today, book.for_currency(balance.currency))


def pick(entities: list[dict], wanted: str) -> Value | None:
    """The first `wanted` value in the message's entities, a bare number read as a count
    when a count is wanted (the bot just asked "how many?")."""
    values = [Value(e["entity"], e.get("start", 0), e.get("end", 0), "", e.get("value"), e.get("problem"))
              for e in entities if e.get("entity") in ENTITIES]
    return next((v for v in as_expected(values, wanted) if v.entity == wanted), None)


def check_value(offer: Offer, field: Field, value: Value, where: Situation) -> Invalid | None:
    """Why the borrower's value for `field` can't be used (None when it can)."""
    if value.problem or value.value is None:
        return Invalid(value.problem or "not_understood", {})
    return offer.kind.check(field, value.value, where)[1]


def invalid_replies(offer: Offer, field: Field, where: Situation, language: str) -> list[Reply]:
    """A clear re-ask that names what is allowed, whatever was wrong with the answer."""
    allowed = offer.kind.allowed(field, where)
    return [Reply(names.invalid(field.slot), shown(allowed, offer.currency, language))]


def proposal(offer: Offer, where: Situation, slots: Mapping[str, Any]) -> Any:
    """The exact terms the borrower is asked to agree to, from the form's slots."""
    values = {f.name: f.read(slots.get(f.slot)) for f in offer.kind.fields}
    return offer.kind.terms(values, where)


def proposal_replies(offer: Offer, terms: Any, language: str) -> list[Reply]:
    values = shown(offer.kind.shown(terms), offer.currency, language)
    return [Reply(offer.kind.propose_response, {"loan_id": offer.loan_id, **values}),
            Reply("utter_ask_confirm")]


def agree(session: Session, offer: Offer, terms: Any, conversation_id: str) -> tuple[str, bool]:
    """Records the arrangement; the same terms confirmed again in this conversation (a retried
    request, a double tap) give back the same arrangement."""
    if offer.loan_id is None:
        raise LookupError("the offer names no loan")
    arrangement, created = create_arrangement(
        session, loan_id=offer.loan_id, terms=terms, conversation_id=conversation_id,
        created_by="bot", idempotency_key=idempotency_key(conversation_id, offer, terms),
    )
    return arrangement.id, created


def idempotency_key(conversation_id: str, offer: Offer, terms: Any) -> str:
    content = json.dumps([conversation_id, offer.loan_id, offer.kind.name, offer.kind.to_json(terms)],
                         sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:40]
