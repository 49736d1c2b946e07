"""Handing the conversation to a person: for the cases a bot must not keep, and for the
triggers the other actions detect (not understood twice, every offer refused, a refusal a
person may set aside)."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions import review
from actions.context import ServiceUnavailable, borrower_id, in_transaction, language
from bot.db.models import Borrower, Handoff
from bot.handoffs.crisis import crisis_line
from bot.handoffs.opening import HARD_CASES, hand_over
from bot.handoffs.summary import Offers
from bot.training.recording import HANDOFF


class ActionHandOver(Action):
    """A hard case: the bot's kind words for it, the handoff recorded (and a dispute's hold or
    an opt-out), then the bot pauses so that a person carries on."""

    def name(self) -> str:
        return "action_hand_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        case = HARD_CASES.get(intent or "", HARD_CASES["request_human"])
        reason = case.reason

        def work(session: Session) -> str | None:
            handoff = record_handoff(session, tracker, reason)
            return None if handoff is None else session.get(Borrower, handoff.borrower_id).timezone

        try:
            timezone = await in_transaction(work)
        except ServiceUnavailable:
            timezone = None  # the words of support below matter more than the record
        dispatcher.utter_message(response=case.answer)
        if reason == "distress":
            dispatcher.utter_message(response="utter_crisis_line",
                                     line=crisis_line(timezone, language(tracker)))
        dispatcher.utter_message(response="utter_handed_over")
        return paused(tracker)


def record_handoff(session: Session, tracker: Tracker, reason: str,
                   offers: Offers | None = None, note: str | None = None) -> Handoff | None:
    """Opens the handoff for the conversation's borrower, with the offers made and refused so
    far and why, if the reason alone does not say (None when the conversation has no borrower);
    the message it ends on goes to the trainers' review inbox, in the same transaction."""
    borrower = borrower_id(session, tracker)
    if borrower is None:
        return None
    handoff = hand_over(session, tracker.sender_id, borrower, reason, offers or offers_in(tracker), note)
    review.record_in(session, tracker, HANDOFF)
    return handoff


def offers_in(tracker: Tracker) -> Offers:
    return Offers(made=types_in(tracker, "offers_made"), declined=types_in(tracker, "offers_declined"))


def types_in(tracker: Tracker, slot: str) -> tuple[str, ...]:
    value = tracker.get_slot(slot)
    return tuple(value) if isinstance(value, list) else ()  # a tracker from before held a count


def paused(tracker: Tracker) -> list[dict[str, Any]]:
    """The bot steps aside. A form in progress ends first, so that nothing is left half-asked
    when a person hands the conversation back; and the turn ends with the listen Rasa would
    have predicted had it not paused, so that the intent triggered on handing back is read as
    a new message (rules only match a message that follows a listen)."""
    form = [ActiveLoop(None), SlotSet("requested_slot", None)] if tracker.active_loop_name else []
    return [*form, ConversationPaused(), ActionExecuted("action_listen")]
