"""Agreeing deferrals, instalment plans and promises to pay (the forms and their steps).

Offer → form (asks only for what is missing, re-asks with the allowed values) → proposal of
the exact terms → the borrower's explicit yes creates the arrangement; a no re-offers, until
every offer has been refused: then a person takes over (negotiation_failed), as for a refusal
a person may set aside (ineligible).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from functools import lru_cache
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.context import ServiceUnavailable, borrower_id, in_transaction, language, send
from actions.handoff import offers_in, paused, record_handoff
from bot.arrangements import negotiation
from bot.arrangements.service import NotEligible
from bot.handoffs.summary import Offers
from bot.loans.accounts import load_account
from bot.arrangements.negotiation import DEFERRAL, PLAN, PROMISE, Offer
from bot.arrangements.policy import load_policy

FORM_SLOTS = {
    DEFERRAL: ["deferral_days"],
    PLAN: ["instalment_count", "first_payment_date"],
    PROMISE: ["promise_amount", "promise_date"],
}
ENTITY_OF = {"deferral_days": "duration_days", "instalment_count": "instalments",
             "first_payment_date": "date", "promise_amount": "amount", "promise_date": "date"}
ALL_SLOTS = [slot for slots in FORM_SLOTS.values() for slot in slots]


@lru_cache(maxsize=1)
def policy_book():
    return load_policy()


def _account(session, tracker: Tracker):
    borrower = borrower_id(session, tracker)
    return load_account(session, borrower) if borrower else None


def _offer(tracker: Tracker, account) -> Offer | None:
    loan_id = tracker.get_slot("arrangement_loan")
    balance = next((b for b in account.balances if b.loan_id == loan_id), None) if account else None
    if balance is None:
        return None
    return Offer(True, tracker.get_slot("arrangement_type"), loan_id, balance.currency)


class ActionOffer(Action, ABC):
    """Checks the request against policy: offers it (and the form starts) or explains why not,
    handing over to a person when it is a refusal a person may set aside."""

    @property
    @abstractmethod
    def type(self) -> str:
        """The arrangement type offered."""

    def name(self) -> Text:
        return f"action_offer_{self.type}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        def work(session):
            account = _account(session, tracker)
            if account is None:
                return None
            offer = negotiation.choose_offer(session, account, self.type, policy_book())
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
        events = [SlotSet("arrangement_ok", offer.ok), SlotSet("arrangement_type", self.type),
                  SlotSet("arrangement_loan", offer.loan_id), SlotSet("arrangement_terms", None),
                  *[SlotSet(slot, None) for slot in ALL_SLOTS]]
        if offer.ok:
            made = negotiation.noted(offers_in(tracker).made, self.type)
            return [*events, SlotSet("offers_made", list(made))]
        return [*events, *paused(tracker)] if negotiation.needs_person(offer) else events


class ActionOfferDeferral(ActionOffer):
    type = DEFERRAL


class ActionOfferInstalmentPlan(ActionOffer):
    type = PLAN


class ActionOfferPromise(ActionOffer):
    type = PROMISE


class ValidateArrangementForm(FormValidationAction, ABC):
    """Fills the form's slots from the values in the message and checks each against policy.
    A message with no value for the form returns nothing, so the form steps aside for a
    digression (a balance question) and asks again after it."""

    @property
    @abstractmethod
    def type(self) -> str:
        """The arrangement type of the form."""

    def name(self) -> Text:
        return f"validate_{self.type}_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        requested = tracker.get_slot("requested_slot")
        entities = tracker.latest_message.get("entities") or []
        wanted = [s for s in FORM_SLOTS[self.type] if tracker.get_slot(s) is None]
        found = {}
        for slot in wanted:
            # A bare number answers only the question just asked ("6" after "how many?").
            value = negotiation.pick(entities, ENTITY_OF[slot] if slot == requested else "")
            value = value if value is not None else _exact(entities, ENTITY_OF[slot], found)
            if value is not None:
                found[slot] = value
        if not found:
            return []
        try:
            return await in_transaction(lambda session: self._checked(session, tracker, found, dispatcher))
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return []

    def _checked(self, session, tracker: Tracker, found: dict, dispatcher) -> list:
        account = _account(session, tracker)
        offer = _offer(tracker, account)
        if offer is None:
            return []
        owed = negotiation.owed_for_promise(account, offer.loan_id)
        events = []
        for slot, value in found.items():
            invalid = negotiation.check_value(slot, value, offer, account.today, policy_book(), owed=owed)
            if invalid is None:
                events.append(SlotSet(slot, value.value))
            else:
                send(dispatcher, negotiation.invalid_replies(
                    slot, offer, account.today, policy_book(), owed, language(tracker)))
                events.append(SlotSet(slot, None))
        return events


def _exact(entities: list, entity: str, found: dict):
    # Two date slots never take the same date: the second date in a message goes to the next.
    taken = {v.start for v in found.values()}
    return next((v for v in [negotiation.pick([e], entity) for e in entities]
                 if v is not None and v.start not in taken), None)


class ValidateDeferralForm(ValidateArrangementForm):
    type = DEFERRAL


class ValidateInstalmentPlanForm(ValidateArrangementForm):
    type = PLAN


class ValidatePromiseForm(ValidateArrangementForm):
    type = PROMISE


class ActionProposeArrangement(Action):
    """Shows the exact terms and asks for a yes; the terms are kept so that the yes agrees to
    exactly what was shown."""

    def name(self) -> Text:
        return "action_propose_arrangement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        def work(session):
            account = _account(session, tracker)
            offer = _offer(tracker, account)
            if offer is None:
                return None, None
            return offer, negotiation.proposal(account, offer, tracker.slots, policy_book())

        try:
            offer, terms = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if offer is None:
            dispatcher.utter_message(response="utter_no_account")
            return []
        send(dispatcher, negotiation.proposal_replies(offer, terms, language(tracker)))
        return [SlotSet("arrangement_terms", terms)]


class ActionCreateArrangement(Action):
    """The borrower said yes to the terms shown: record them (once, however often it is said)."""

    def name(self) -> Text:
        return "action_create_arrangement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        terms = tracker.get_slot("arrangement_terms")
        if not terms:
            dispatcher.utter_message(response="utter_anything_else")
            return []

        def work(session):
            offer = _offer(tracker, _account(session, tracker))
            return negotiation.agree(session, offer, terms, tracker.sender_id)

        try:
            reference, _ = await in_transaction(work)
        except NotEligible as refusal:
            dispatcher.utter_message(response=f"utter_not_eligible_{refusal.reason}", loan_id="-")
            return _cleared()
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return []  # the terms stay: a later yes can still record them
        dispatcher.utter_message(response="utter_arrangement_created", reference=reference[:8])
        return _cleared()


class ActionDeclineArrangement(Action):
    """The borrower said no to the terms, or to the offer mid-form: nothing is recorded. The
    other options are offered, or, once every one has been refused, a person takes over."""

    def name(self) -> Text:
        return "action_decline_arrangement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        so_far = offers_in(tracker)
        offers = Offers(so_far.made, negotiation.noted(so_far.declined, tracker.get_slot("arrangement_type")))

        def work(session) -> bool:
            account = _account(session, tracker)
            if account is None or not negotiation.every_offer_refused(session, account, offers, policy_book()):
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
    return [SlotSet("arrangement_terms", None), *[SlotSet(slot, None) for slot in ALL_SLOTS]]
