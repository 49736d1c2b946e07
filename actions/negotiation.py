"""Agreeing an arrangement: the offer, the one form, the proposal, the yes or the no.

Offer → form (asks only for what is missing, re-asks with the allowed values) → proposal of
the exact terms → the borrower's explicit yes creates the arrangement; a no re-offers, until
every offer has been refused: then a person takes over (negotiation_failed), as for a refusal
a person may set aside (ineligible). Which kind is negotiated, and what its form asks, come
from the kind's definition (bot/arrangements/kinds/); these actions only translate between the
tracker and bot.arrangements.negotiation.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from functools import lru_cache
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.context import (
    ServiceUnavailable,
    borrower_id,
    in_transaction,
    intent_of,
    language,
    said_this_session,
    send,
)
from actions.handoff import offers_in, paused, record_handoff
from bot.arrangements import loan_choice, negotiation
from bot.arrangements.kinds import KINDS, Field, Kind, Situation, UnknownKind, kind_for_intent, kind_named
from bot.arrangements.negotiation import Offer, Said, Step, Suggestion
from bot.arrangements.negotiation_rules import REFUSED_TO_PAY
from bot.arrangements.policy import PolicyBook, load_policy
from bot.arrangements.service import NotEligible
from bot.handoffs.summary import Offers
from bot.loans.accounts import Account, load_account
from bot.replies import names
from bot.replies.reply import Reply

REQUESTED = "requested_slot"
SUGGESTION = "arrangement_suggestion"  # a value proposed for a field, awaiting a yes or no
LOAN_CHOICES = "loan_choices"  # the loans the form asks the borrower to choose from
LOAN_CHOSEN = "loan_chosen"  # the form has its loan: the offer is to be made on it
FORM, OFFER = "arrangement_form", "action_offer_arrangement"
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
        return OFFER

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        chosen = tracker.get_slot(LOAN_CHOSEN) is True  # the form asked which loan: this one
        kind = _kind_of(tracker) if chosen else kind_for_intent(intent_of(tracker.latest_message))
        if kind is None:
            dispatcher.utter_message(response="utter_please_rephrase")
            return [SlotSet("arrangement_ok", False), SlotSet(LOAN_CHOSEN, None)]
        text = tracker.latest_message.get("text") or ""

        def work(session: Session) -> Offer | None:
            account = _account(session, tracker)
            if account is None:
                return None
            named = (str(tracker.get_slot(loan_choice.SLOT)),) if chosen else account.loans_named(text)
            offer = negotiation.offer_for(session, account, kind, policy_book(), named)
            if negotiation.needs_person(offer):
                record_handoff(session, tracker, "ineligible")
            return offer

        try:
            offer = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return [SlotSet("arrangement_ok", False), SlotSet(LOAN_CHOSEN, None)]
        if offer is None:
            dispatcher.utter_message(response="utter_no_account")
            return [SlotSet("arrangement_ok", False), SlotSet(LOAN_CHOSEN, None)]
        send(dispatcher, negotiation.offer_replies(offer, language(tracker)))
        events = [SlotSet("arrangement_ok", offer.ok), SlotSet("arrangement_type", kind.name),
                  SlotSet(loan_choice.SLOT, offer.loan_id), SlotSet(LOAN_CHOICES, list(offer.choices)),
                  *_cleared()]
        if negotiation.needs_person(offer):
            return [*events, *paused(tracker)]
        if offer.ok and not offer.asks_which_loan:
            made = negotiation.noted(offers_in(tracker).made, kind.name)
            events.append(SlotSet("offers_made", list(made)))
        # After the form's question which loan, no rule follows this action (the message was
        # the answer, not a request): what comes next is named here.
        return [*events, FollowupAction(FORM if offer.ok else "action_listen")] if chosen else events


def _kind_of(tracker: Tracker) -> Kind[Any, Any] | None:
    try:
        return kind_named(tracker.get_slot("arrangement_type"))
    except UnknownKind:
        return None


class ValidateArrangementForm(FormValidationAction):
    """Fills the form's slots — those of the kind being negotiated — from the message, read as
    an answer to the question asked (bot.arrangements.negotiation.step), and names the next
    question. A message that answers nothing sets nothing, so that Rasa lets a rule answer a
    digression (a balance question) or a hard case, and the form asks again after it."""

    def name(self) -> str:
        return "validate_arrangement_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        try:
            fields = kind_named(tracker.get_slot("arrangement_type")).fields
        except UnknownKind:
            return [SlotSet(REQUESTED, None)]  # nothing to negotiate: the form ends
        if tracker.get_slot(loan_choice.SLOT) is None:
            return await self._which_loan(dispatcher, tracker)
        missing = [f for f in fields if tracker.get_slot(f.slot) is None]
        pending = Suggestion.from_json(tracker.get_slot(SUGGESTION))
        try:
            step = await in_transaction(lambda session: self._step(session, tracker, missing, pending))
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            step = None
        if step is None:
            step = Step({}, [], pending)
        send(dispatcher, step.replies)
        events = [SlotSet(slot, value) for slot, value in step.filled.items()]
        if step.suggestion != pending:
            events.append(SlotSet(SUGGESTION, step.suggestion.as_json() if step.suggestion else None))
        still_missing = [f.slot for f in missing if step.filled.get(f.slot) is None]
        ask = step.suggestion.slot if step.suggestion else next(iter(still_missing), None)
        return [*events, SlotSet(REQUESTED, ask)]

    async def _which_loan(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        """The form's first question, when several loans could be meant. The loan chosen ends
        the form, with the offer on that loan to follow (action_offer_arrangement, which starts
        the form again or explains why not); an answer that could mean several asks again
        among them."""
        ask = [SlotSet(REQUESTED, loan_choice.SLOT)]
        message = tracker.latest_message
        if tracker.get_slot(REQUESTED) != loan_choice.SLOT or intent_of(message) in negotiation.NOT_AN_ANSWER:
            return ask
        choices = list(tracker.get_slot(LOAN_CHOICES) or [])

        def work(session: Session) -> loan_choice.LoanAnswer | None:
            account = _account(session, tracker)
            return None if account is None else loan_choice.answer(
                account, choices, message.get("text") or "", message.get("entities") or [])

        try:
            answer = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return ask
        if answer is not None and answer.loan_id is not None:
            return [SlotSet(loan_choice.SLOT, answer.loan_id), SlotSet(LOAN_CHOSEN, True),
                    SlotSet(REQUESTED, None), FollowupAction(OFFER)]
        if answer is not None and answer.narrowed:
            dispatcher.utter_message(response=loan_choice.NARROWED)
            return [SlotSet(LOAN_CHOICES, list(answer.narrowed)), *ask]
        return ask  # answers nothing: the rules reply, and the form asks again

    def _step(self, session: Session, tracker: Tracker, missing: list[Field],
              pending: Suggestion | None) -> Step | None:
        negotiating = _negotiating(session, tracker)
        if negotiating is None:
            return None
        offer, where = negotiating
        # Starting, the form reads the request that began the negotiation, which the question
        # which loan may have come between.
        message = tracker.latest_message if tracker.get_slot(REQUESTED) else _request(tracker, offer.kind)
        said = Said(intent_of(message), message.get("text") or "", message.get("entities") or [])
        return negotiation.step(offer, where, missing, tracker.get_slot(REQUESTED), pending, said,
                                language(tracker))


def _request(tracker: Tracker, kind: Kind[Any, Any]) -> dict[str, Any]:
    """The borrower's latest message asking for this kind of arrangement."""
    said = said_this_session(tracker)
    return next((m for m in reversed(said) if intent_of(m) == kind.intent), tracker.latest_message)


def _negotiating(session: Session, tracker: Tracker) -> tuple[Offer, Situation] | None:
    """The offer the conversation is negotiating and its loan as it stands today."""
    account = _account(session, tracker)
    offer = _offer(tracker, account)
    where = negotiation.situation(account, offer, policy_book()) if account and offer else None
    return None if offer is None or where is None else (offer, where)


class ActionAskField(Action, ABC):
    """What the form asks for one slot (Rasa runs action_ask_<slot> in place of utter_ask_<slot>):
    the question with quick replies of the values the policy allows, or the suggestion awaiting
    a yes. Without the database it still asks, with no quick replies."""

    slot: ClassVar[str]

    @abstractmethod
    def name(self) -> str:
        """action_ask_<slot>."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        pending = Suggestion.from_json(tracker.get_slot(SUGGESTION))

        def work(session: Session) -> Any:
            negotiating = _negotiating(session, tracker)
            if negotiating is None:
                return None
            offer, where = negotiating
            field = next((f for f in offer.kind.fields if f.slot == self.slot), None)
            return None if field is None else negotiation.question(offer, field, where, pending,
                                                                    language(tracker))

        try:
            question = await in_transaction(work)
        except ServiceUnavailable:
            question = None
        if question is None:
            dispatcher.utter_message(response=names.ask(self.slot))
        else:
            send(dispatcher, [question])
        return []


def _ask_action(for_slot: str) -> type[ActionAskField]:
    class ActionAsk(ActionAskField):
        slot = for_slot

        def name(self) -> str:
            return names.ask_action(self.slot)

    ActionAsk.__qualname__ = ActionAsk.__name__ = f"ActionAsk_{for_slot}"
    return ActionAsk


ASK_ACTIONS = [_ask_action(slot) for slot in FIELD_SLOTS]  # one per field of every kind


class ActionAskArrangementLoan(Action):
    """Which loan?, with a button for each that could be meant, showing what is overdue on it."""

    def name(self) -> str:
        return names.ask_action(loan_choice.SLOT)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        choices = list(tracker.get_slot(LOAN_CHOICES) or [])

        def work(session: Session) -> Any:
            account = _account(session, tracker)
            return None if account is None else loan_choice.question(account, choices, language(tracker))

        try:
            question = await in_transaction(work)
        except ServiceUnavailable:
            question = None
        send(dispatcher, [question or Reply(loan_choice.QUESTION)])
        return []


class ActionProposeArrangement(Action):
    """Shows the exact terms and asks for a yes; the terms are kept (as JSON, in a slot) so
    that the yes agrees to exactly what was shown."""

    def name(self) -> str:
        return "action_propose_arrangement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        def work(session: Session) -> tuple[Offer | None, Any]:
            negotiating = _negotiating(session, tracker)
            if negotiating is None:
                return None, None
            offer, where = negotiating
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


class ActionRefuseToPay(Action):
    """"I won't pay": a calm answer with the options, never a consequence; said a second time in
    the session, a person takes over (negotiation_failed, the summary saying so). A form in
    progress has ended (the rules deactivate it) and its values are dropped."""

    def name(self) -> str:
        return "action_refuse_to_pay"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        refusals = sum(intent_of(said) == negotiation.REFUSAL for said in said_this_session(tracker))
        if not (negotiation.hands_over_after_refusals(refusals) and await _handed_over_refusing(tracker)):
            dispatcher.utter_message(response="utter_refuse_to_pay")
            return _cleared()
        dispatcher.utter_message(response="utter_handover_negotiation_failed")
        return [*_cleared(), *paused(tracker)]


async def _handed_over_refusing(tracker: Tracker) -> bool:
    try:
        return await in_transaction(lambda session: record_handoff(
            session, tracker, "negotiation_failed", note=REFUSED_TO_PAY) is not None)
    except ServiceUnavailable:
        return False  # the options still help; the next refusal tries again


def _cleared() -> list:
    return [SlotSet("arrangement_terms", None), SlotSet(SUGGESTION, None), SlotSet(LOAN_CHOSEN, None),
            *[SlotSet(slot, None) for slot in FIELD_SLOTS]]
