"""The review inbox as a trainer reads it: the items an InboxQuery asks for, each masked
(bot/training/masking.py), with the likeliest intents as suggestions and the messages said
around it in the conversation (masked too)."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Borrower, Message, ReviewItem
from bot.training.masking import mask_text
from bot.training.query import InboxQuery
from bot.understanding import MOST_OFFERED


class ReviewNotFound(LookupError):
    def __init__(self, ids: Collection[int]) -> None:
        super().__init__(f"no review item {', '.join(map(str, sorted(ids)))}")
        self.ids = sorted(ids)


@dataclass(frozen=True)
class Suggestion:
    intent: str
    confidence: float


@dataclass(frozen=True)
class Around:
    """A message said before or after the item, masked."""

    sender: str  # borrower | bot | agent
    text: str
    at: datetime


@dataclass(frozen=True)
class ReviewView:
    id: int
    text: str  # masked
    language: str
    predicted_intent: str | None
    confidence: float | None
    at: datetime
    reason: str
    status: str
    intent: str | None  # once settled as an example
    discarded: bool
    settled_how: str | None
    settled_by: str | None
    settled_at: datetime | None
    exported: bool  # written into the training data: settled for good
    suggestions: tuple[Suggestion, ...]
    before: tuple[Around, ...]
    after: tuple[Around, ...]


def list_items(session: Session, query: InboxQuery,
               suggestable: Collection[str]) -> tuple[list[ReviewView], int]:
    """The page of items the query asks for, and how many match it in all."""
    conditions = _conditions(query)
    total = session.execute(select(func.count()).select_from(ReviewItem).where(*conditions)).scalar_one()
    items = session.execute(select(ReviewItem).where(*conditions).order_by(*_order(query.sort))
                            .limit(query.limit).offset(query.offset)).scalars().all()
    return views(session, items, query.context, suggestable), total


def get_item(session: Session, item_id: int, context: int, suggestable: Collection[str]) -> ReviewView:
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise ReviewNotFound([item_id])
    return views(session, [item], context, suggestable)[0]


def views(session: Session, items: Sequence[ReviewItem], context: int,
          suggestable: Collection[str]) -> list[ReviewView]:
    names = _names(session, {item.borrower_id for item in items} - {None})
    return [_view(session, item, names.get(item.borrower_id, ()), context, suggestable) for item in items]


def suggestions(ranking: Sequence[Sequence[Any]], suggestable: Collection[str]) -> tuple[Suggestion, ...]:
    """The likeliest intents a trainer may settle it as, likeliest first (never the fallback)."""
    found = [Suggestion(name, float(confidence)) for name, confidence in ranking
             if name in suggestable and isinstance(confidence, int | float)]
    return tuple(found[:MOST_OFFERED])


def _view(session: Session, item: ReviewItem, names: tuple[str, ...], context: int,
          suggestable: Collection[str]) -> ReviewView:
    before, after = _around(session, item, context) if context and item.message_id else ((), ())
    return ReviewView(
        item.id, mask_text(item.text, names), item.language, item.predicted_intent, item.confidence,
        item.created_at, item.reason, item.status, item.intent, item.discarded, item.settled_how,
        item.settled_by, item.settled_at, item.export_status == "written",
        suggestions(item.ranking or [], suggestable),
        tuple(_masked(message, names) for message in before),
        tuple(_masked(message, names) for message in after),
    )


def _around(session: Session, item: ReviewItem, context: int) -> tuple[list[Message], list[Message]]:
    of_conversation = select(Message).where(Message.conversation_id == item.conversation_id)
    before = session.execute(of_conversation.where(Message.id < item.message_id)
                             .order_by(Message.id.desc()).limit(context)).scalars().all()
    after = session.execute(of_conversation.where(Message.id > item.message_id)
                            .order_by(Message.id).limit(context)).scalars().all()
    return list(reversed(before)), list(after)


def _masked(message: Message, names: tuple[str, ...]) -> Around:
    return Around(message.sender, mask_text(message.text, names), message.created_at)


def _names(session: Session, borrower_ids: set[str]) -> dict[str, tuple[str, ...]]:
    if not borrower_ids:
        return {}
    rows = session.execute(select(Borrower.id, Borrower.name).where(Borrower.id.in_(borrower_ids))).all()
    return {row.id: (row.name,) for row in rows}


def _conditions(query: InboxQuery) -> list:
    conditions = [ReviewItem.status.in_(query.statuses)]
    if query.languages:
        conditions.append(ReviewItem.language.in_(query.languages))
    if query.intents:
        conditions.append(ReviewItem.predicted_intent.in_(query.intents))
    if query.reasons:
        conditions.append(ReviewItem.reason.in_(query.reasons))
    if query.min_confidence is not None:
        conditions.append(ReviewItem.confidence >= query.min_confidence)
    if query.max_confidence is not None:
        conditions.append(ReviewItem.confidence <= query.max_confidence)
    if query.since is not None:
        conditions.append(ReviewItem.created_at >= query.since)
    if query.before is not None:
        conditions.append(ReviewItem.created_at < query.before)
    return conditions


def _order(sort: str) -> list:
    # Without a confidence (no ranking came with it) an item goes last either way; the id
    # settles ties, so that pages never overlap.
    column = ReviewItem.created_at if sort.endswith("at") else ReviewItem.confidence
    direction = column.desc() if sort.startswith("-") else column.asc()
    tie = ReviewItem.id.desc() if sort.startswith("-") else ReviewItem.id.asc()
    return [ReviewItem.confidence.is_(None), direction, tie] if "confidence" in sort else [direction, tie]
