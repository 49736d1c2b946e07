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
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from bot import audit
from bot.db.models import Conversation, Message, OutreachContact

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
    # One statement, many rows (the driver batches them): compiled once, not per row.
    session.execute(insert(OutreachContact).on_conflict_do_nothing(index_elements=["key"]), list(rows))


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
    borrower's open conversation (started when there is none), in this transaction: a few
    statements for the whole batch, whatever its size."""
    locked = session.execute(
        select(OutreachContact.id, OutreachContact.borrower_id, OutreachContact.loan_id,
               OutreachContact.stage, OutreachContact.template, OutreachContact.key,
               OutreachContact.text, OutreachContact.buttons)
        .where(OutreachContact.id.in_(list(contact_ids)), OutreachContact.status == PENDING)
        .order_by(OutreachContact.id)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = _claim(session, [contact.id for contact in locked])
    contacts = [contact for contact in locked if contact.id in claimed]
    if not contacts:
        return []
    conversations = _conversations(session, {contact.borrower_id for contact in contacts}, at)
    message_ids = _write_messages(session, [{
        "conversation_id": conversations[contact.borrower_id], "sender": "bot", "text": contact.text,
        "buttons": contact.buttons or None, "kind": OUTREACH, "delivered": True, "created_at": at,
        "agent_username": None} for contact in contacts])
    _note_sent(session, contacts, conversations, message_ids)
    return [Delivered(contact.id, contact.borrower_id, conversations[contact.borrower_id], contact.text,
                      list(contact.buttons or [])) for contact in contacts]


def _note_sent(session: Session, contacts: Sequence[Row], conversations: Mapping[str, str],
               message_ids: Sequence[int]) -> None:
    """Each contact sent, with its conversation and message, and the audit record of it."""
    session.execute(update(OutreachContact).where(OutreachContact.id == bindparam("contact_id"))
                    .values(status=SENT, conversation_id=bindparam("conversation"),
                            message_id=bindparam("message")),
                    [{"contact_id": contact.id, "conversation": conversations[contact.borrower_id],
                      "message": message_id}
                     for contact, message_id in zip(contacts, message_ids, strict=True)])
    audit.record_many(session, audit.BOT, "outreach_sent", [{
        "borrower_id": contact.borrower_id, "loan_id": contact.loan_id,
        "conversation_id": conversations[contact.borrower_id],
        "details": {"stage": contact.stage, "template": contact.template, "key": contact.key},
    } for contact in contacts])


def _claim(session: Session, contact_ids: list[int]) -> set[int]:
    """Those of the locked rows this process may send. On PostgreSQL all of them: the row
    locks (rechecked against a concurrent commit) make them ours. SQLite has no row locks:
    each is marked sent only while it is still pending, so that of two processes that read
    it pending exactly one changes it."""
    if _postgresql(session):
        return set(contact_ids)
    still_pending = update(OutreachContact).where(OutreachContact.status == PENDING) \
        .values(status=SENT).execution_options(synchronize_session=False)
    return {contact_id for contact_id in contact_ids
            if session.execute(still_pending.where(OutreachContact.id == contact_id)).rowcount == 1}


def _conversations(session: Session, borrower_ids: Collection[str], at: datetime) -> dict[str, str]:
    """The id of each borrower's conversation that is not closed (the earliest, as
    open_conversation picks it), started for those who have none."""
    rows = session.execute(
        select(Conversation.borrower_id, Conversation.id)
        .where(Conversation.borrower_id.in_(list(borrower_ids)), Conversation.status != "closed")
        .order_by(Conversation.created_at.desc(), Conversation.id.desc())).all()
    found = dict(rows)  # the earliest wins
    started = {borrower_id: uuid.uuid4().hex for borrower_id in sorted(borrower_ids)
               if borrower_id not in found}
    if started:
        session.execute(insert(Conversation), [
            {"id": conversation_id, "borrower_id": borrower_id, "status": "bot", "created_at": at,
             "updated_at": at} for borrower_id, conversation_id in started.items()])
        audit.record_many(session, audit.BOT, "conversation_started", [
            {"borrower_id": borrower_id, "conversation_id": conversation_id, "details": {"by": OUTREACH}}
            for borrower_id, conversation_id in started.items()])
    return found | started


def _write_messages(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Inserts the messages, in order; their ids. On PostgreSQL the ids are taken from the
    sequence first, so the rows go in one batch; SQLite (embedded, small) inserts row by row."""
    if not _postgresql(session):
        return [session.execute(insert(Message).values(**row)).inserted_primary_key[0] for row in rows]
    ids = sorted(session.execute(  # ascending, so the conversation shows them in this order
        select(func.nextval(func.pg_get_serial_sequence("messages", "id")))
        .select_from(func.generate_series(1, len(rows)))).scalars())
    session.execute(insert(Message), [{"id": message_id, **row}
                                      for message_id, row in zip(ids, rows, strict=True)])
    return ids


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
