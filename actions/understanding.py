"""Messages the bot could not place: answered as before the first time; the second in a row
goes to a person, rather than asking the borrower to rephrase yet again."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import ServiceUnavailable, in_transaction
from actions.handoff import paused, record_handoff

# CONTRACT §1: a low-confidence message (nlu_fallback) is treated like out_of_scope.
FIRST_ANSWER = {"nlu_fallback": "utter_please_rephrase", "out_of_scope": "utter_out_of_scope"}


class ActionNotUnderstood(Action):
    def name(self) -> str:
        return "action_not_understood"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        if previous_intent(tracker) in FIRST_ANSWER and await _handed_over(tracker):
            dispatcher.utter_message(response="utter_handover_not_understood")
            return paused(tracker)
        intent = _intent(tracker.latest_message)
        dispatcher.utter_message(response=FIRST_ANSWER.get(intent or "", "utter_please_rephrase"))
        return []


def previous_intent(tracker: Tracker) -> str | None:
    """The intent of the borrower's message before this one, in this session: read from the
    tracker, so no counter has to be reset on every other path."""
    said = [event for event in _this_session(tracker.events) if event.get("event") == "user"]
    return _intent(said[-2].get("parse_data") or {}) if len(said) >= 2 else None


def _this_session(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    starts = [i for i, event in enumerate(events) if event.get("event") == "session_started"]
    return events[starts[-1] + 1:] if starts else events


def _intent(parse_data: dict[str, Any]) -> str | None:
    return (parse_data.get("intent") or {}).get("name")


async def _handed_over(tracker: Tracker) -> bool:
    try:
        handoff = await in_transaction(lambda session: record_handoff(session, tracker, "not_understood"))
        return handoff is not None
    except ServiceUnavailable:
        return False  # a handoff nobody will see must not silence the bot: ask again instead
