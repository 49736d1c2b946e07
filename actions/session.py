"""Conversation start and the language each reply is written in."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.context import ServiceUnavailable, borrower_id, in_transaction
from bot.db.models import Borrower
from bot.language import detect_script, language_of_script

# Not carried into a new session: the offers made and refused belong to one sitting, so
# that refusals from an earlier chat do not send today's first "no" straight to a person.
FRESH_EACH_SESSION = {"session_started_metadata", "offers_made", "offers_declined"}


class ActionSessionStart(Action):
    """Starts a session in the borrower's profile language, keeping earlier slots."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        carried = [
            SlotSet(key, value)
            for key, value in tracker.slots.items()
            if value is not None and key not in FRESH_EACH_SESSION
        ]
        events: list[dict[str, Any]] = [SessionStarted(), *carried]
        if tracker.get_slot("language") is None:
            profile = await _profile_language(tracker)
            if profile:
                events.append(SlotSet("language", profile))
        return [*events, ActionExecuted("action_listen")]


async def _profile_language(tracker: Tracker) -> str | None:
    def lookup(session: Session) -> str | None:
        borrower = borrower_id(session, tracker)
        record = session.get(Borrower, borrower) if borrower else None
        return record.language if record else None

    try:
        return await in_transaction(lookup)
    except ServiceUnavailable:
        return None


class ValidateSlotMappings(ValidationAction):
    """Sets `language` from every borrower message; a message with no language (digits,
    emoji), a button payload or an intent the gateway triggers (Rasa writes its text as
    "EXTERNAL: <intent>") keeps the language already in use."""

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = tracker.latest_message.get("text") or ""
        detected = language_of_script(detect_script(text))
        if detected is None or text.startswith(("/", "EXTERNAL: ")):
            return {}
        return {"language": detected}

    async def validate_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"language": value if value in ("en", "zh") else None}
