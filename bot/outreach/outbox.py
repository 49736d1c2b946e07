"""The outbox: each contact a pass decided on, recorded under its key before anything is
written, then delivered into the borrower's conversation exactly once.

Recording is an insert that does nothing when the key is there already (another scheduler
decided the same contact first). Delivering claims a pending row under a row lock (skipping
those another process holds) and, in the same transaction, writes the conversation's
message and marks the row sent: a crash before the commit leaves it pending for the next
pass; after it, it is sent once.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot import audit
from bot.db.models import Conversation, Message, OutreachContact
from bot.loans.accounts import open_conversation

PENDING, SENT, SUPPRESSED = "pending", "sent", "suppressed"
OUTREACH = "outreach"  # Message.kind


@dataclass(frozen=True)
class Known:
    """A key the outbox has already: what became of it."""

    status: str
    temporary: bool  # suppressed by a rule that may pass later
    reason: str | None


@dataclass(frozen=True)
class Delivered:
    """A contact now in the borrower's conversation, for the live feed."""

    contact_id: int
    borrower_id: str
    conversation_id: str
    text: str
    buttons: list[dict[str, str]]

    def live_event(self) -> dict[str, Any]:
        """As the borrower's WebSocket carries it (CONTRACT §4, §8)."""
        return {"from": "bot", "kind": OUTREACH, "text": self.text, "buttons": self.buttons}


def known(session: Session, keys: Sequence[str]) -> dict[str, Known]:
    found: dict[str, Known] = {}
    for start in range(0, len(keys), 500):  # within any database's limit on parameters
        rows = session.execute(
            select(OutreachContact.key, OutreachContact.status, OutreachContact.temporary,
                   OutreachContact.reason).where(OutreachContact.key.in_(keys[start:start + 500])))
        found.update({key: Known(status, temporary, reason) for key, status, temporary, reason in rows})
    return found


def record(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Inserts the rows (OutreachContact's columns); a key already there is left as it is."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for start in range(0, len(rows), 1000):
        session.execute(insert(OutreachContact).values(rows[start:start + 1000])
                        .on_conflict_do_nothing(index_elements=["key"]))


def retry(session: Session, key: str, values: dict[str, Any]) -> None:
    """A contact a temporary rule held back, decided again: only while it is still held back."""
    session.execute(update(OutreachContact)
                    .where(OutreachContact.key == key, OutreachContact.status == SUPPRESSED,
                           OutreachContact.temporary.is_(True))
                    .values(**values))


def pending_ids(session: Session, limit: int = 500) -> list[int]:
    return list(session.execute(
        select(OutreachContact.id).where(OutreachContact.status == PENDING)
        .order_by(OutreachContact.id).limit(limit)).scalars())


def deliver(session: Session, contact_ids: Iterable[int], at: datetime) -> list[Delivered]:
    """Claims these pending contacts (those no other process holds) and writes each into its
    borrower's open conversation (started when there is none), in this transaction."""
    claimed = session.execute(
        select(OutreachContact)
        .where(OutreachContact.id.in_(list(contact_ids)), OutreachContact.status == PENDING)
        .order_by(OutreachContact.id)
        .with_for_update(skip_locked=True)
    ).scalars().all()
    return [_write(session, contact, at) for contact in claimed if _claim(session, contact.id)]


def _claim(session: Session, contact_id: int) -> bool:
    """Marks it sent only while it is still pending: of two processes that read it pending
    (SQLite has no row locks), exactly one changes the row."""
    changed = session.execute(update(OutreachContact)
                              .where(OutreachContact.id == contact_id, OutreachContact.status == PENDING)
                              .values(status=SENT).execution_options(synchronize_session=False))
    return bool(changed.rowcount == 1)


def _write(session: Session, contact: OutreachContact, at: datetime) -> Delivered:
    conversation = open_conversation(session, contact.borrower_id) or _start(session, contact.borrower_id, at)
    message = Message(conversation_id=conversation.id, sender="bot", text=contact.text,
                      buttons=contact.buttons or None, kind=OUTREACH, created_at=at)
    session.add(message)
    session.flush()
    contact.message_id, contact.conversation_id = message.id, conversation.id
    audit.record(session, audit.BOT, "outreach_sent", borrower_id=contact.borrower_id,
                 loan_id=contact.loan_id, conversation_id=conversation.id,
                 details={"stage": contact.stage, "template": contact.template, "key": contact.key})
    return Delivered(contact.id, contact.borrower_id, conversation.id, contact.text,
                     list(contact.buttons or []))


def _start(session: Session, borrower_id: str, at: datetime) -> Conversation:
    conversation = Conversation(id=uuid.uuid4().hex, borrower_id=borrower_id, status="bot",
                                created_at=at, updated_at=at)
    session.add(conversation)
    session.flush()
    audit.record(session, audit.BOT, "conversation_started", borrower_id=borrower_id,
                 conversation_id=conversation.id, details={"by": OUTREACH})
    return conversation
