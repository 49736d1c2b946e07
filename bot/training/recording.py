"""Putting a borrower message into the review inbox, from the moment the bot acts on it: the
"Did you mean …?" question (unsure), a request to rephrase or "I can't help with that"
(fallback), or a handoff (handoff).

Once per message: a message is keyed by its conversation and its own id (Rasa's message_id, or
the time of its event), so that a retried action, or a second action on the same message (a
fallback that also hands over), adds nothing. The first reason recorded stays.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.db.models import Conversation, Message, ReviewItem
from bot.training.languages import language_of
from bot.understanding import FALLBACK

UNSURE, FALLBACK_REASON, HANDOFF = "unsure", "fallback", "handoff"
REASONS = (UNSURE, FALLBACK_REASON, HANDOFF)
RANKED = 10  # of the model's ranking, kept for the suggestions
# Not the borrower's words: a tapped button's payload (/affirm), an intent the gateway triggers.
NOT_WRITTEN = ("/", "EXTERNAL: ")
LOOK_BACK = 20  # borrower messages: the action runs while the gateway awaits the answer to it


@dataclass(frozen=True)
class Said:
    """A borrower message as the model read it."""

    conversation_id: str
    key: str  # the message's own id within the conversation
    text: str
    intent: str | None  # what the bot took it for (nlu_fallback, out_of_scope, distress …)
    ranking: tuple[tuple[str, float], ...] = ()  # the model's, likeliest first

    def best_guess(self) -> tuple[str | None, float | None]:
        """The model's likeliest intent, never its fallback: what it would have said had it
        dared (the confidence of nlu_fallback is only the threshold)."""
        for name, confidence in self.ranking:
            if name != FALLBACK:
                return name, confidence
        return self.intent, None


def record_review(session: Session, said: Said, reason: str) -> ReviewItem | None:
    """The message's review item, added unless it is there already (None for what the
    borrower did not write: a button's payload)."""
    if reason not in REASONS:
        raise ValueError(f"no review reason {reason!r}: one of {', '.join(REASONS)}")
    text = said.text.strip()
    if not text or text.startswith(NOT_WRITTEN):
        return None
    existing = _item(session, said)
    if existing is not None:
        return existing
    conversation = session.get(Conversation, said.conversation_id)
    intent, confidence = said.best_guess()
    row = {
        "conversation_id": said.conversation_id, "message_key": said.key[:128],
        "borrower_id": conversation.borrower_id if conversation else None,
        "message_id": _transcript_row(session, said, text) if conversation else None,
        "text": text, "language": language_of(text, conversation.script if conversation else None),
        "predicted_intent": intent, "confidence": confidence,
        "ranking": [[name, round(value, 6)] for name, value in said.ranking[:RANKED]],
        "reason": reason, "status": "open", "discarded": False, "created_at": utcnow(),
    }
    # A second action server handling a retry at the same moment: one row all the same.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(ReviewItem).values(**row).on_conflict_do_nothing(
        index_elements=["conversation_id", "message_key"]))
    return _item(session, said)


def _item(session: Session, said: Said) -> ReviewItem | None:
    return session.execute(select(ReviewItem).where(
        ReviewItem.conversation_id == said.conversation_id, ReviewItem.message_key == said.key[:128])
    ).scalar_one_or_none()


def _transcript_row(session: Session, said: Said, text: str) -> int | None:
    """The gateway's record of the message (the latest borrower message with its words; Rasa
    strips the text, the transcript keeps it as sent), from which the inbox shows what was said
    around it."""
    latest = session.execute(
        select(Message.id, Message.text).where(Message.conversation_id == said.conversation_id,
                                               Message.sender == "borrower")
        .order_by(Message.id.desc()).limit(LOOK_BACK)
    ).all()
    return next((row.id for row in latest if row.text.strip() == text), None)
