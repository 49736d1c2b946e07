"""The borrower's latest message into the trainers' review inbox (bot/training/recording.py),
read from the tracker: its words, the model's reading, and its own id."""
from __future__ import annotations

import hashlib
import logging
from typing import Any

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.context import ServiceUnavailable, in_transaction
from bot.training.recording import Said, record_review
from bot.understanding import Heard

logger = logging.getLogger(__name__)


def said_last(tracker: Tracker) -> Said | None:
    """The latest message, or None when the tracker has no text for it."""
    parse_data: dict[str, Any] = tracker.latest_message or {}
    text = parse_data.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    heard = Heard.of(parse_data)
    ranking = heard.ranking
    if not ranking and heard.intent:  # a parse without a ranking: its intent is all there is
        confidence = (parse_data.get("intent") or {}).get("confidence")
        ranking = ((heard.intent, float(confidence)),) if isinstance(confidence, int | float) else ()
    return Said(tracker.sender_id, _key(tracker, parse_data, text), text, heard.intent, ranking)


def record_in(session: Session, tracker: Tracker, reason: str) -> None:
    """In the caller's transaction (a handoff's)."""
    said = said_last(tracker)
    if said is not None:
        record_review(session, said, reason)


async def record(tracker: Tracker, reason: str) -> None:
    """In a transaction of its own, off the event loop; the inbox going without one message
    must never keep the bot from answering."""
    try:
        await in_transaction(lambda session: record_in(session, tracker, reason))
    except ServiceUnavailable:
        logger.warning("a message of conversation %s was not kept for review", tracker.sender_id)


def _key(tracker: Tracker, parse_data: dict[str, Any], text: str) -> str:
    """Rasa's id of the message, else the time of its event, else (a tracker made by hand)
    its place in the conversation and its words."""
    if parse_data.get("message_id"):
        return str(parse_data["message_id"])
    users = [event for event in tracker.events if event.get("event") == "user"]
    latest = users[-1] if users else {}
    if latest.get("message_id"):
        return str(latest["message_id"])
    if latest.get("timestamp") is not None:
        return f"at:{latest['timestamp']}"
    return f"n:{len(users)}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"
