"""Handing the conversation to a person for the cases a bot must not keep."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from actions.context import ServiceUnavailable, borrower_id, in_transaction, language
from bot.crisis import crisis_line
from bot.db.models import Borrower
from bot.handoffs import REASON_OF_INTENT, hand_over


class ActionHandOver(Action):
    """After the bot's answer to a hard case: records the handoff (and a dispute's hold or an
    opt-out), then pauses the bot so that a person carries on."""

    def name(self) -> Text:
        return "action_hand_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reason = REASON_OF_INTENT.get(intent, "human_requested")

        def work(session):
            borrower = borrower_id(session, tracker)
            if borrower is None:
                return None
            hand_over(session, tracker.sender_id, borrower, reason)
            return session.get(Borrower, borrower).timezone

        try:
            timezone = await in_transaction(work)
        except ServiceUnavailable:
            timezone = None  # the words of support below matter more than the record
        if reason == "distress":
            dispatcher.utter_message(response="utter_crisis_line",
                                     line=crisis_line(timezone, language(tracker)))
        dispatcher.utter_message(response="utter_handed_over")
        return [ConversationPaused()]
