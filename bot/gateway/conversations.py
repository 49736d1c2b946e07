"""The gateway's records: conversations, the transcript, and the audit of what happened.

Each call is one short transaction of its own, run in the default executor so that the
event loop never waits on the database.
"""
from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.db import Database
from bot.db.models import Borrower, Conversation, Message, utcnow
from bot.gateway.outbound import ChatMessage
from bot.handoffs.casework import active_case_of
from bot.handoffs.opening import open_handoff
from bot.language import next_script
from bot.loans.accounts import open_conversation


@dataclass(frozen=True)
class ConversationRef:
    id: str
    status: str  # bot | handoff
    script: str | None
    timezone: str | None = None  # the borrower's, for reading dates like "next Friday"
    created: bool = False


@dataclass(frozen=True)
class Received:
    """A borrower message as kept: the script to reply in, and where the conversation is."""

    script: str | None
    status: str  # bot | handoff
    handed_off: bool  # a person takes over from this message on
    message: dict[str, Any]  # as agents see it (see `agent_event`)
    case: dict[str, Any] | None = None  # the handoff, when a person has the conversation


@dataclass(frozen=True)
class PendingMessage:
    """A borrower message the bot has not received yet."""

    id: int
    text: str
    offered_payloads: frozenset[str]  # the buttons on screen when it was sent


class Conversations:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def borrower_exists(self, borrower_id: str) -> bool:
        return await self._database.run(lambda s: s.get(Borrower, borrower_id) is not None)

    async def current(self, borrower_id: str) -> ConversationRef:
        """The borrower's open conversation, started (and audited) if there is none.
        Callers serialise this per borrower, so one process never starts two."""
        return await self._database.run(_current, borrower_id)

    async def add_borrower_message(self, conversation_id: str, text: str) -> Received:
        """Keeps the message: for the bot (not yet delivered) or, in a handoff, for the agent."""
        return await self._database.run(_add_borrower_message, conversation_id, text)

    async def pending(self, conversation_id: str) -> list[PendingMessage]:
        return await self._database.run(_pending, conversation_id)

    async def record_delivery(self, message_id: int, replies: list[ChatMessage]) -> str:
        """Marks the message delivered and keeps the bot's replies, in one transaction
        (so a message is never both answered and still pending); returns the status."""
        return await self._database.run(_record_delivery, message_id, replies)

    async def add_bot_message(self, conversation_id: str, reply: ChatMessage) -> dict[str, Any]:
        """Keeps a message the gateway itself says; returns it as agents see it."""
        return await self._database.run(_add_bot_message, conversation_id, reply)

    async def active_case(self, conversation_id: str) -> dict[str, Any] | None:
        """The conversation's handoff that is not closed, as agents see it."""
        return await self._database.run(_active_case, conversation_id)

    async def history(self, conversation_id: str) -> list[dict[str, Any]]:
        return await self._database.run(_history, conversation_id)

    async def audit(self, action: str, *, actor: str, borrower_id: str,
                    conversation_id: str, details: dict | None = None) -> None:
        await self._database.run(lambda s: audit.record(
            s, actor, action, borrower_id=borrower_id, conversation_id=conversation_id, details=details))


def _current(session: Session, borrower_id: str) -> ConversationRef:
    conversation = open_conversation(session, borrower_id)
    timezone = session.execute(
        select(Borrower.timezone).where(Borrower.id == borrower_id)
    ).scalar_one_or_none()
    if conversation is not None:
        return ConversationRef(conversation.id, conversation.status, conversation.script, timezone)
    conversation = Conversation(id=uuid.uuid4().hex, borrower_id=borrower_id, status="bot")
    session.add(conversation)
    audit.record(session, audit.borrower(borrower_id), "conversation_started",
                 borrower_id=borrower_id, conversation_id=conversation.id)
    return ConversationRef(conversation.id, conversation.status, None, timezone, created=True)


def _add_borrower_message(session: Session, conversation_id: str, text: str) -> Received:
    conversation = session.get(Conversation, conversation_id)
    conversation.script = next_script(conversation.script, text)
    conversation.updated_at = utcnow()
    message = Message(conversation_id=conversation_id, sender="borrower", text=text)
    session.add(message)
    session.flush()  # first: the handoff's summary quotes it
    handed_off = _hand_off_if_flagged(session, conversation)
    message.delivered = conversation.status == "handoff"  # for the bot only in a bot's chat
    case = _active_case(session, conversation_id) if conversation.status == "handoff" else None
    return Received(conversation.script, conversation.status, handed_off, agent_event(message), case)


def _add_bot_message(session: Session, conversation_id: str, reply: ChatMessage) -> dict[str, Any]:
    message = Message(conversation_id=conversation_id, sender="bot", text=reply.text,
                      buttons=reply.buttons or None)
    session.add(message)
    session.flush()
    return agent_event(message)


def _active_case(session: Session, conversation_id: str) -> dict[str, Any] | None:
    case = active_case_of(session, conversation_id)
    return None if case is None else case.as_json()


def _hand_off_if_flagged(session: Session, conversation: Conversation) -> bool:
    # A broken plan or promise: the borrower's next chat goes to a person, not the bot.
    borrower = session.get(Borrower, conversation.borrower_id)
    if conversation.status != "bot" or not borrower.needs_agent_reason:
        return False
    open_handoff(session, conversation.id, borrower.id, borrower.needs_agent_reason, actor="system")
    borrower.needs_agent_reason = None
    return True


def _pending(session: Session, conversation_id: str) -> list[PendingMessage]:
    messages = session.execute(
        select(Message.id, Message.text)
        .where(Message.conversation_id == conversation_id, Message.sender == "borrower",
               Message.delivered.is_(False))
        .order_by(Message.id)
    ).all()
    return [PendingMessage(m.id, m.text, _payloads_before(session, conversation_id, m.id))
            for m in messages]


LATEST_TURN = 20  # more messages than the bot ever says in one turn


def _payloads_before(session: Session, conversation_id: str, message_id: int) -> frozenset[str]:
    """The payloads of the bot's latest turn before this message, what a tap could send: its
    most recent bot message and those just before it (a "did you mean" and the question the
    form asks again after it are both on screen)."""
    latest = session.execute(
        select(Message.sender, Message.buttons)
        .where(Message.conversation_id == conversation_id, Message.id < message_id)
        .order_by(Message.id.desc())
        .limit(LATEST_TURN)
    ).all()
    since_the_bot = itertools.dropwhile(lambda row: row.sender != "bot", latest)
    turn = itertools.takewhile(lambda row: row.sender == "bot", since_the_bot)
    return frozenset(b["payload"] for row in turn for b in row.buttons or ()
                     if isinstance(b, dict) and "payload" in b)


def _record_delivery(session: Session, message_id: int, replies: list[ChatMessage]) -> str:
    message = session.get(Message, message_id)
    message.delivered = True
    for reply in replies:
        session.add(Message(conversation_id=message.conversation_id, sender="bot",
                            text=reply.text, buttons=reply.buttons or None))
    # Rasa's actions may have changed it (a handoff): read it after they ran.
    return session.get(Conversation, message.conversation_id).status


def _history(session: Session, conversation_id: str) -> list[dict[str, Any]]:
    messages = session.execute(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
    ).scalars()
    return [_event(message) for message in messages]


def agent_event(message: Message) -> dict[str, Any]:
    """A message as the agent console shows it: with its id and the agent who wrote it."""
    event = {"id": message.id, "from": message.sender, "text": message.text,
             "at": message.created_at.isoformat(), "agent": message.agent_username}
    if message.kind:
        event["kind"] = message.kind  # a reminder the bot wrote first
    return event


def _event(message: Message) -> dict[str, Any]:
    event = {"from": message.sender, "text": message.text, "at": message.created_at.isoformat()}
    if message.sender == "bot":
        event["buttons"] = list(message.buttons or [])
    if message.kind:
        event["kind"] = message.kind  # "outreach": the bot wrote first (CONTRACT §8)
    return event
