"""What the bot says and does while agreeing an arrangement, as domain values.

Actions call these with a session; they return `Reply`s (response names and values, the
wording being in domain.yml) and typed values, so the whole negotiation is testable without
Rasa. Nothing here branches on the kind: each kind's definition (bot/arrangements/kinds/)
says what it asks, allows and proposes. It also decides when the negotiation is a person's to
carry on: a refusal a person could set aside, or a borrower who has said no to everything the
bot can offer.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.arrangements.kinds import KINDS, Field, Invalid, Kind, Situation
from bot.arrangements.kinds.base import as_text
from bot.arrangements.negotiation_rules import Offer as Offer
from bot.arrangements.negotiation_rules import Suggestion as Suggestion
from bot.arrangements.negotiation_rules import idempotency_key
from bot.arrangements.negotiation_rules import needs_person as needs_person
from bot.arrangements.negotiation_rules import offer_replies as offer_replies
from bot.arrangements.negotiation_rules import proposal_replies as proposal_replies
from bot.arrangements.negotiation_rules import question as question
from bot.arrangements.policy import PolicyBook
from bot.arrangements.service import create_arrangement, eligibility_of
from bot.handoffs.opening import HARD_CASES
from bot.handoffs.summary import Offers
from bot.loans.accounts import Account
from bot.loans.balance import LoanBalance
from bot.replies import names
from bot.replies.reply import Reply
from bot.replies.values import shown
from bot.values.expected import as_expected
from bot.values.extract import ENTITIES, Value
from bot.values.vague import leaves_it_open

# The offer and what the bot says of it, which refusals go to a person, the question a field is
# asked with, the proposal, the note a refusal to pay is handed over with and the key of a
# confirmation are bot/arrangements/negotiation_rules.py's (the demo's generator shares them);
# the `x as x` imports above re-export them as this module's, where the actions look for them.

# A refusal to pay is answered calmly with the options; the second in a session goes to a person
# (negotiation_failed, the summary saying why).
REFUSAL = "refuse_to_pay"
REFUSALS_BEFORE_A_PERSON = 2

# What the form never reads a value from: a person's case (or a refusal) inside a message with a
# date ("I lost my job on the 15th") ends the form, for the rules that hand it over.
NOT_AN_ANSWER = frozenset(HARD_CASES) | {REFUSAL}
AGREES, DISAGREES = "affirm", "deny"


def offer_for(session: Session, account: Account, kind: Kind[Any, Any], book: PolicyBook,
              named: Sequence[str] = ()) -> Offer:
    """The offer on the loan the borrower means: the one they named; else, with several loans
    still to repay (or several named), the question which one; else the one there is."""
    balance = next((b for b in account.balances if b.loan_id == named[0]), None) if len(named) == 1 else None
    if balance is not None:
        if balance.outstanding <= 0:
            return Offer(False, kind, balance.loan_id, balance.currency, "nothing_owed")
        return _offer_on(session, account, kind, book, balance)
    owing = [b.loan_id for b in account.balances if b.outstanding > 0 and (not named or b.loan_id in named)]
    if len(owing) > 1:
        return Offer(True, kind, None, None, choices=tuple(owing))
    return choose_offer(session, account, kind, book)


def _offer_on(session: Session, account: Account, kind: Kind[Any, Any], book: PolicyBook,
              balance: LoanBalance) -> Offer:
    eligibility = eligibility_of(session, balance.loan_id, kind, book, account.today)
    return Offer(eligibility.ok, kind, balance.loan_id, balance.currency, eligibility.reason,
                 eligibility.details)


def choose_offer(session: Session, account: Account, kind: Kind[Any, Any], book: PolicyBook) -> Offer:
    """The most overdue loan this kind can be offered on; else why not (for the most overdue
    loan, which is the one the borrower most likely means)."""
    candidates = sorted(
        (b for b in account.balances if b.outstanding > 0),
        key=lambda b: (-b.days_past_due, -b.overdue_amount, b.loan_id),
    )
    refusal = None
    for balance in candidates:
        offer = _offer_on(session, account, kind, book, balance)
        if offer.ok:
            return offer
        refusal = refusal or offer
    return refusal or Offer(False, kind, None, None, "nothing_owed")


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


# --- the form: what the borrower's message answers --------------------------------------------


@dataclass(frozen=True)
class Said:
    """The borrower's latest message, as the form reads it."""

    intent: str | None
    text: str
    entities: Sequence[Mapping[str, Any]]

    @property
    def agrees(self) -> bool:
        """A yes, or an answer that leaves the day to the bot ("whenever", 随便)."""
        return self.intent == AGREES or leaves_it_open(self.text)


@dataclass(frozen=True)
class Step:
    """What a message does to the form: the slots it fills (None: refused, asked again), the
    replies to send first, and the suggestion now awaiting an answer."""

    filled: dict[str, str | None]
    replies: list[Reply]
    suggestion: Suggestion | None


def step(offer: Offer, where: Situation, missing: Sequence[Field], requested: str | None,
         pending: Suggestion | None, said: Said, language: str) -> Step:
    """Reads the message as an answer to the question asked (`requested`), and takes any other
    missing value it holds. A value past the policy's limit is refused and the nearest allowed
    one suggested; a yes or a "whenever" to a question of when is answered with the latest day
    allowed, to confirm; a yes to a suggestion takes it and a no asks the question again."""
    if said.intent in NOT_AN_ANSWER:
        return Step({}, [], pending)
    filled: dict[str, str | None] = {}
    replies: list[Reply] = []
    suggestion = None
    for field, value in values_in(said.entities, missing, requested).items():
        answered = answer(offer, field, value, where)
        filled[field.slot] = answered.value
        if answered.invalid is not None:
            replies += invalid_replies(offer, field, where, language)
            if suggestion is None and answered.nearest is not None:
                suggestion = Suggestion(field.slot, answered.nearest)
    asked = next((f for f in missing if f.slot == requested), None)
    if suggestion is None and asked is not None and asked.slot not in filled:
        taken, suggestion = _without_a_value(offer, where, asked, pending, said)
        filled.update(taken)
    return Step(filled, replies, suggestion)


def _without_a_value(offer: Offer, where: Situation, asked: Field, pending: Suggestion | None,
                     said: Said) -> tuple[dict[str, str | None], Suggestion | None]:
    """The question asked got no value: (what a yes to the suggestion fills, the suggestion now)."""
    waiting = pending if pending is not None and pending.slot == asked.slot else None
    if waiting is not None and said.agrees:
        return {asked.slot: waiting.value}, None
    if waiting is not None and said.intent == DISAGREES:
        return {}, None  # not a no to the arrangement: the question is asked again
    latest = latest_for(offer, asked, where)
    if waiting is None and latest is not None and said.agrees:
        return {}, Suggestion(asked.slot, latest)
    return {}, waiting


@dataclass(frozen=True)
class Answer:
    """A borrower's value for a field: the value to keep, or why not and, for a value past the
    policy's limit, the nearest the policy allows."""

    value: str | None  # as the slot keeps it
    invalid: Invalid | None = None
    nearest: str | None = None


def answer(offer: Offer, field: Field, value: Value, where: Situation) -> Answer:
    if value.problem or value.value is None:
        return Answer(None, Invalid(value.problem or "not_understood", {}))
    raw = field.raw(value.entity, value.value, where.today)
    typed, invalid = offer.kind.check(field, raw, where)
    if invalid is None:
        return Answer(as_text(typed))
    return Answer(None, invalid, _past_the_limit(offer, field, field.read(raw), where))


def _past_the_limit(offer: Offer, field: Field, typed: Any, where: Situation) -> str | None:
    """The most the policy allows, when `typed` is beyond it (45 days, a date past the horizon,
    more than is owed); None for a value refused for another reason (in the past, 4 instalments)."""
    most = offer.kind.choices(field, where)[-1:]
    return as_text(most[0]) if typed is not None and most and typed > most[0] else None


def latest_for(offer: Offer, field: Field, where: Situation) -> str | None:
    """What a vague answer to a question of when is read as: the latest day (or the most days)
    the policy allows, the kindest to the borrower; None for other questions."""
    most = offer.kind.choices(field, where)[-1:]
    return as_text(most[0]) if field.is_a_when and most else None


def values_in(entities: Sequence[Mapping[str, Any]], missing: Sequence[Field],
              requested: str | None) -> dict[Field, Value]:
    """The message's value for each missing field, from the field's own entity or another that
    fills it (a date for a deferral's days). A bare number answers only the question just asked
    ("6" after "how many?"); no value fills two fields (the second date goes to the next)."""
    values = [Value(e["entity"], e.get("start", 0), e.get("end", 0), "", e.get("value"), e.get("problem"))
              for e in entities if e.get("entity") in ENTITIES]
    found: dict[Field, Value] = {}
    for field in missing:
        taken = {v.start for v in found.values()}
        for entity in field.entities:
            read = as_expected(values, entity) if field.slot == requested else values
            value = next((v for v in read if v.entity == entity and v.start not in taken), None)
            if value is not None:
                found[field] = value
                break
    return found


def invalid_replies(offer: Offer, field: Field, where: Situation, language: str) -> list[Reply]:
    """A clear re-ask that names what is allowed, whatever was wrong with the answer."""
    allowed = offer.kind.allowed(field, where)
    return [Reply(names.invalid(field.slot), shown(allowed, offer.currency, language))]


def hands_over_after_refusals(refusals: int) -> bool:
    """A borrower who has said they will not pay this often in one session goes to a person."""
    return refusals >= REFUSALS_BEFORE_A_PERSON


def proposal(offer: Offer, where: Situation, slots: Mapping[str, Any]) -> Any:
    """The exact terms the borrower is asked to agree to, from the form's slots."""
    values = {f.name: f.read(slots.get(f.slot)) for f in offer.kind.fields}
    return offer.kind.terms(values, where)


def agree(session: Session, offer: Offer, terms: Any, conversation_id: str) -> tuple[str, bool]:
    """Records the arrangement; the same terms confirmed again in this conversation (a retried
    request, a double tap) give back the same arrangement."""
    if offer.loan_id is None:
        raise LookupError("the offer names no loan")
    arrangement, created = create_arrangement(
        session, loan_id=offer.loan_id, terms=terms, conversation_id=conversation_id,
        created_by="bot", idempotency_key=idempotency_key(conversation_id, offer.loan_id, offer.kind.name,
                                                          offer.kind.to_json(terms)),
    )
    return arrangement.id, created
