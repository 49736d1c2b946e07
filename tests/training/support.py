"""Helpers for the review inbox tests: a conversation of a borrower with a transcript, and review
items recorded as the actions record them."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update

from bot.db.models import Conversation, Message, ReviewItem
from bot.training.recording import Said, record_review

RANKED = (("nlu_fallback", 0.7), ("request_deferral", 0.41), ("request_instalment", 0.38), ("hardship", 0.1))


def chat(session, conversation_id: str, borrower_id: str | None, *said: tuple[str, str],
         script: str | None = None) -> None:
    """The conversation (when it has a borrower) and its transcript: (sender, text) in order."""
    if borrower_id is not None:
        session.add(Conversation(id=conversation_id, borrower_id=borrower_id, script=script))
        session.flush()
    for sender, text in said:
        session.add(Message(conversation_id=conversation_id, sender=sender, text=text))
    session.flush()


def review(session, text: str, *, conversation_id: str = "conv-1", key: str | None = None,
           reason: str = "unsure", intent: str | None = "nlu_fallback",
           ranking: tuple[tuple[str, float], ...] = RANKED, at: datetime | None = None) -> ReviewItem:
    """An item, as an action records it (`at`: as if recorded then)."""
    said = Said(conversation_id, key or f"m-{text}", text, intent, ranking)
    item = record_review(session, said, reason)
    assert item is not None
    if at is not None:
        session.execute(update(ReviewItem).where(ReviewItem.id == item.id)
                        .values(created_at=at).execution_options(synchronize_session="fetch"))
    return item


def items(database) -> list[ReviewItem]:
    with database.transaction() as session:
        return list(session.execute(select(ReviewItem).order_by(ReviewItem.id)).scalars())


def day(month: int, date: int, hour: int = 12) -> datetime:
    return datetime(2026, month, date, hour, tzinfo=timezone.utc)
