"""Agreeing an arrangement: the offer, the one form, the proposal, the yes or the no.

Offer → form (asks only for what is missing, re-asks with the allowed values) → proposal of
the exact terms → the borrower's explicit yes creates the arrangement; a no re-offers, until
every offer has been refused: then a person takes over (negotiation_failed), as for a refusal
a person may set aside (ineligible). Which kind is negotiated, and what its form asks, come
from the kind's definition (bot/arrangements/kinds/); these actions only translate between the
tracker and bot.arrangements.negotiation.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.context import ServiceUnavailable, borrower_id, in_transaction, language, send
from actions.handoff import offers_in, paused, record_handoff
from bot.arrangements import negotiation
from bot.arrangements.kinds import KINDS, Field, UnknownKind, kind_for_intent, kind_named
from bot.arrangements.negotiation import Offer
from bot.arrangements.policy import PolicyBook, load_policy
from bot.arrangements.service import NotEligible
from bot.handoffs.summary import Offers
from bot.loans.accounts import Account, load_account
from bot.replies import names
from bot.values.extract import Value

REQUESTED = "requested_slot"
FIELD_SLOTS = [field.slot for kind in KINDS for field in kind.fields]


@lru_cache(maxsize=1)
def policy_book() -> PolicyBook:
    return load_policy()


def _account(session: Session, tracker: Tracker) -> Account | None:
    borrower = borrower_id(session, tracker)
    return load_account(session, borrower) if borrower else None


def _offer(tracker: Tracker, account: Account | None) -> Offer | None:
    """The offer the conversation is negotiating, if its loan is still the borrower's."""
    loan_id = tracker.get_slot("arrangement_loan")
    balance = next((b for b in account.balances if b.loan_id == loan_id), None) if account else None
    try:
        kind = kind_named(tracker.get_slot("arrangement_type"))
    except UnknownKind:
        return None
    return None if balance is None else Offer(True, kind, loan_id, balance.currency)


class ActionOfferArrangement(Action):
    """Checks the request against policy: offers it (and the form starts) or explains why not,
    handing over to a person when it is a refusal a person may set aside."""

    def name(self) -> str:
        return "action_offer_arrangement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        kind = kind_for_intent((tracker.latest_message.get("intent") or {}).get("name"))
        if kind is None:
            dispatcher.utter_message(response="utter_please_rephrase")
            return [SlotSet("arrangement_ok", False)]

        def work(session: Session) -> Offer | None:
            account = _account(session, tracker)
            if account is None:
                return None
            offer = negotiation.choose_offer(session, account, kind, policy_book())
            if negotiation.needs_person(offer):
                record_handoff(session, tracker, "ineligible")
            return offer

        try:
            offer = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return [SlotSet("arrangement_ok", False)]
        if offer is None:
            dispatcher.utter_message(response="utter_no_account")
            return [SlotSet("arrangement_ok", False)]
        send(dispatcher, negotiation.offer_replies(offer, language(tracker)))
        events = [SlotSet("arrangement_ok", offer.ok), SlotSet("arrangement_type", kind.name),
                  SlotSet("arrangement_loan", offer.loan_id), SlotSet("arrangement_terms", None),
                  *[SlotSet(slot, None) for slot in FIELD_SLOTS]]
        if offer.ok:
            made = negotiation.noted(offers_in(tracker).made, kind.name)
            return [*events, SlotSet("offers_made", list(made))]
        return [*events, *paused(tracker)] if negotiation.needs_person(offer) else events


class ValidateArrangementForm(FormValidationAction):
    """Fills the form's slots — those of the kind being negotiated — from the values in the
    message, checks each against policy, and names the next question. A message with no value
    for the form sets nothing, so that Rasa lets a rule answer a digression (a balance
    question) and the form asks again after it."""

    def name(self) -> str:
        return "validate_arrangement_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        try:
            fields = kind_named(tracker.get_slot("arrangement_type")).fields
        except UnknownKind:
            return [SlotSet(REQUESTED, None)]  # nothing to negotiate: the form ends
        missing = [f for f in fields if tracker.get_slot(f.slot) is None]
        found = _values_in(tracker, missing)
        events = []
        if found:
            try:
                events = await in_transaction(
                    lambda session: self._checked(session, tracker, found, dispatcher))
            except ServiceUnavailable:
                dispatcher.utter_message(response="utter_service_unavailable")
        filled = {event["name"] for event in events if event.get("value") is not None}
        still_missing = [f.slot for f in missing if f.slot not in filled]
        return [*events, SlotSet(REQUESTED, still_missing[0] if still_missing else None)]

    def _checked(self, session: Session, tracker: Tracker, found: dict[Field, Value],
                 dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        account = _account(session, tracker)
        offer = _offer(tracker, account)
        where = negotiation.situation(account, offer, policy_book()) if account and offer else None
        if offer is None or where is None:
            return []
        events: list[dict[str, Any]] = []
        for field, value in found.items():
            if negotiation.check_value(offer, field, value, where) is None:
                events.append(SlotSet(field.slot, value.value))
            else:
                send(dispatcher, negotiation.invalid_replies(offer, field, where, language(tracker)))
                events.append(SlotSet(field.slot, None))
        return events


def _values_in(tracker: Tracker, missing: list[Field]) -> dict[Field, Value]:
    """The message's value for each missing field. A bare number answers only the question
    just asked ("6" after "how many?"); two date fields never take the same date: the second
    date in a message goes to the next."""
    requested = tracker.get_slot(REQUESTED)
    entities = tracker.latest_message.get("entities") or []
    found: dict[Field, Value] = {}
    for field in missing:
        value = negotiation.pick(entities, field.entity if field.slot == requested else "")
        value = value if value is not None else _exact(entities, field.entity, found)
        if value is not None:
            found[field] = value
    return found


def _exact(entities: list[dict], entity: str, found: dict[Field, Value]) -> Value | None:
    taken = {v.start for v in found.values()}
    return next((v for v in [negotiation.pick([e], entity) for e in entities]
                 if v is not None and v.start not in taken), None)


class ActionProposeArrangement(Action):
    """Shows the exact terms and asks for a yes; the terms are kept (as JSON, in a slot) so
    that the yes agrees to exactly what was shown."""

    def name(self) -> str:
        return "action_propose_arrangement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        def work(session: Session) -> tuple[Offer | None, Any]:
            account = _account(session, tracker)
            offer = _offer(tracker, account)
            where = negotiation.situation(account, offer, policy_book()) if account and offer else None
            if offer is None or where is None:
                return None, None
            return offer, negotiation.proposal(offer, where, tracker.slots)

        try:
            offer, terms = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if offer is None:
            dispatcher.utter_message(response="utter_no_account")
            return []
        send(dispatcher, negotiation.proposal_replies(offer, terms, language(tracker)))
        return [SlotSet("arrangement_terms", offer.kind.to_json(terms))]


class ActionCreateArrangement(Action):
    """The borrower said yes to the terms shown: record them (once, however often it is said)."""

    def name(self) -> str:
        return "action_create_arrangement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        shown = tracker.get_slot("arrangement_terms")
        if not shown:
            dispatcher.utter_message(response="utter_anything_else")
            return []
        loan_id = tracker.get_slot("arrangement_loan") or "-"

        def work(session: Session) -> tuple[str, bool] | None:
            offer = _offer(tracker, _account(session, tracker))
            if offer is None:
                return None
            return negotiation.agree(session, offer, offer.kind.from_json(shown), tracker.sender_id)

        try:
            made = await in_transaction(work)
        except NotEligible as refusal:
            dispatcher.utter_message(response=names.not_eligible(refusal.reason), loan_id=loan_id)
            return _cleared()
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return []  # the terms stay: a later yes can still record them
        if made is None:  # the loan is no longer the borrower's, or the kind is unknown
            dispatcher.utter_message(response="utter_no_account")
            return _cleared()
        reference, _ = made
        dispatcher.utter_message(response="utter_arrangement_created", reference=reference[:8])
        return _cleared()


class ActionDeclineArrangement(Action):
    """The borrower said no to the terms, or to the offer mid-form: nothing is recorded. The
    other options are offered, or, once every one has been refused, a person takes over."""

    def name(self) -> str:
        return "action_decline_arrangement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        so_far = offers_in(tracker)
        offers = Offers(so_far.made, negotiation.noted(so_far.declined, tracker.get_slot("arrangement_type")))

        def work(session: Session) -> bool:
            account = _account(session, tracker)
            if account is None or not negotiation.every_offer_refused(session, account, offers,
                                                                      policy_book()):
                return False
            return record_handoff(session, tracker, "negotiation_failed", offers) is not None

        try:
            failed = await in_transaction(work)
        except ServiceUnavailable:
            failed = False  # the other options and the button for a person still help
        events = [*_cleared(), SlotSet("offers_declined", list(offers.declined))]
        if not failed:
            dispatcher.utter_message(response="utter_arrangement_declined")
            return events
        dispatcher.utter_message(response="utter_handover_negotiation_failed")
        return [*events, *paused(tracker)]


def _cleared() -> list:
    return [SlotSet("arrangement_terms", None), *[SlotSet(slot, None) for slot in FIELD_SLOTS]]
