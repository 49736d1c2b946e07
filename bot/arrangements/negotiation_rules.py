"""The negotiation's rules and replies that need no language models: an offer and what the bot
says of it (or why not), which refusals of policy go to a person, the question a field is
asked with, the proposal, the note a refusal to pay hands over with, and the key that makes a
confirmation record its arrangement once.

Apart from bot/arrangements/negotiation.py (which reads messages, and so loads spaCy) so that
the demo's generator (bot/demo/) follows the same rules and says the same without loading it.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from bot.arrangements.kinds import Field, Kind, Situation
from bot.arrangements.kinds.base import as_text
from bot.replies import buttons, names
from bot.replies.reply import Reply
from bot.replies.values import shown

# Refusals of policy limits that a person may weigh for this borrower (a debt older than
# self-service allows, a second deferral, a plan in a currency the bot has none for): these
# go to a person at once. The others are only explained: nothing overdue or owed leaves
# nothing to arrange, a collection hold means a person already has the dispute, an active
# arrangement stays as agreed, and an amount below the plan minimum is small enough to pay in
# one go or by a promise, which the bot can take itself.
PERSON_MAY_ALLOW = frozenset({"too_far_past_due", "recent_deferral", "no_minimum_configured"})

# The second refusal to pay in a session goes to a person (negotiation_failed), the summary
# saying why.
REFUSED_TO_PAY = "The borrower said they will not pay, twice in this chat."


@dataclass(frozen=True)
class Offer:
    ok: bool
    kind: Kind[Any, Any]
    loan_id: str | None
    currency: str | None
    reason: str | None = None
    details: Mapping[str, Any] = dataclass_field(default_factory=dict)
    choices: tuple[str, ...] = ()  # the loans it could be for, when the borrower is asked which

    @property
    def asks_which_loan(self) -> bool:
        return self.loan_id is None and bool(self.choices)


@dataclass(frozen=True)
class Suggestion:
    """A value the bot proposed for a field ("Shall we say Mon 7 Dec?"), awaiting a yes or no."""

    slot: str
    value: str  # as the slot keeps it

    def as_json(self) -> dict[str, str]:
        return {"slot": self.slot, "value": self.value}

    @classmethod
    def from_json(cls, raw: object) -> Suggestion | None:
        slot, value = (raw.get("slot"), raw.get("value")) if isinstance(raw, Mapping) else (None, None)
        return cls(slot, value) if isinstance(slot, str) and isinstance(value, str) else None


def offer_replies(offer: Offer, language: str) -> list[Reply]:
    """The offer, or why not; nothing yet when the form is to ask which loan first."""
    if offer.asks_which_loan:
        return []
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


def question(offer: Offer, field: Field, where: Situation, pending: Suggestion | None,
             language: str) -> Reply:
    """What the form asks for the field: the suggestion awaiting a yes, if there is one (its
    buttons, yes and another, are the response's), else the question with a quick reply for
    each value the policy allows (dates, counts, the full amount)."""
    if pending is not None and pending.slot == field.slot:
        about = offer.kind.about(field, field.read(pending.value), where)
        return Reply(names.suggest(field.slot), shown(about, offer.currency, language))
    return Reply(names.ask(field.slot), {}, tuple(
        buttons.choice(field.entity, as_text(value), buttons.title_of(value, offer.currency, language))
        for value in offer.kind.choices(field, where)))


def proposal_replies(offer: Offer, terms: Any, language: str) -> list[Reply]:
    values = shown(offer.kind.shown(terms), offer.currency, language)
    return [Reply(offer.kind.propose_response, {"loan_id": offer.loan_id, **values}),
            Reply("utter_ask_confirm")]


def idempotency_key(conversation_id: str, loan_id: str | None, kind_name: str, terms_json: Any) -> str:
    """The key of a confirmation: the same terms confirmed again in the conversation (a retried
    request, a double tap) give back the arrangement they made."""
    content = json.dumps([conversation_id, loan_id, kind_name, terms_json], sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:40]
