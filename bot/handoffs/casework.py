"""What agents do with a handoff: claim it, write to the borrower, release it to the bot, close it.

open ──claim──▶ claimed ──release / close──▶ closed
  └───────────────release / close─────────────┘

Each transition is one conditional UPDATE, so when two agents act at once exactly one wins
and the other is told who did (SQLite and PostgreSQL alike). Every action done is audited with
actor `agent:<username>`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from bot import audit
from bot.clock import isoformat, utcnow
from bot.db.models import Borrower, Conversation, Handoff, Message
from bot.handoffs.opening import active_handoff
from bot.language import language_of_script
from bot.replies.reply import Reply

STATUSES = ("open", "claimed", "closed")
QUEUE_LIMIT = 500

# What the borrower reads when an agent ends the chat; the gateway says it.
CLOSING = Reply("utter_chat_closed")


class CaseNotFound(Exception):
    pass


class CaseConflict(Exception):
    """The handoff is not in a state this agent can act on; the message says why. The
    transaction is rolled back: the caller audits the refusal in one of its own."""

    def __init__(self, why: str, borrower_id: str, conversation_id: str) -> None:
        super().__init__(why)
        self.why, self.borrower_id, self.conversation_id = why, borrower_id, conversation_id


@dataclass(frozen=True)
class CaseView:
    """A handoff as agents see it in the queue."""

    handoff: Handoff
    borrower_name: str
    language: str  # en | zh: what the borrower writes now, else their profile's
    script: str | None  # en | hans | hant: how they write now (None before their first word)

    def as_json(self) -> dict:
        h = self.handoff
        return {
            "id": h.id, "conversation_id": h.conversation_id, "borrower_id": h.borrower_id,
            "borrower_name": self.borrower_name, "reason": h.reason, "priority": h.priority,
            "status": h.status, "created_at": isoformat(h.created_at), "updated_at": isoformat(h.updated_at),
            "claimed_by": h.claimed_by, "claimed_at": isoformat(h.claimed_at),
            "closed_at": isoformat(h.closed_at), "outcome": h.outcome,
            "language": self.language, "script": self.script, "summary": h.summary,
        }


def queue(session: Session, statuses: Iterable[str]) -> list[CaseView]:
    """Most urgent first, then oldest first (CONTRACT §5)."""
    rows = session.execute(
        _cases()
        .where(Handoff.status.in_(list(statuses)))
        .order_by(Handoff.priority, Handoff.created_at, Handoff.id)
        .limit(QUEUE_LIMIT)
    ).all()
    return [_view(*row) for row in rows]


def case(session: Session, handoff_id: int) -> CaseView:
    row = session.execute(_cases().where(Handoff.id == handoff_id)).one_or_none()
    if row is None:
        raise CaseNotFound(handoff_id)
    return _view(*row)


def active_case_of(session: Session, conversation_id: str) -> CaseView | None:
    handoff = active_handoff(session, conversation_id)
    return None if handoff is None else case(session, handoff.id)


def transcript(session: Session, conversation_id: str) -> list[Message]:
    return list(session.execute(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
    ).scalars())


def claim(session: Session, handoff_id: int, agent: str) -> CaseView:
    now = utcnow()
    won = _transition(session, handoff_id, Handoff.status == "open",
                      status="claimed", claimed_by=agent, claimed_at=now, updated_at=now)
    current = case(session, handoff_id)
    if not won and not (current.handoff.status == "claimed" and current.handoff.claimed_by == agent):
        _refuse(current.handoff, agent, "claim")
    if won:
        _audit(session, agent, "handoff_claimed", current.handoff)
    return current


def reply(session: Session, handoff_id: int, agent: str, text: str) -> tuple[CaseView, Message]:
    current = case(session, handoff_id)
    handoff = current.handoff
    if handoff.status != "claimed" or handoff.claimed_by != agent:
        _refuse(handoff, agent, "write in")
    message = Message(conversation_id=handoff.conversation_id, sender="agent", text=text,
                      agent_username=agent)
    session.add(message)
    session.flush()  # its id and time, for the live feeds
    _audit(session, agent, "agent_message_sent", handoff, {"message_id": message.id})
    return current, message


def check_can_end(session: Session, handoff_id: int, agent: str, verb: str) -> CaseView:
    """Raises unless this agent may release or close the handoff now."""
    current = case(session, handoff_id)
    if not _may_end(current.handoff, agent):
        _refuse(current.handoff, agent, verb)
    return current


def release(session: Session, handoff_id: int, agent: str) -> CaseView:
    """The bot takes the conversation back, with its context (the caller resumes Rasa)."""
    return _end(session, handoff_id, agent, "release", outcome="released", conversation_status="bot")


def close(session: Session, handoff_id: int, agent: str) -> CaseView:
    """The conversation ends; the borrower's next message starts a new one."""
    return _end(session, handoff_id, agent, "close", outcome="closed", conversation_status="closed")


def _end(session: Session, handoff_id: int, agent: str, verb: str, *, outcome: str,
         conversation_status: str) -> CaseView:
    now = utcnow()
    mine_or_open = or_(Handoff.status == "open",
                       and_(Handoff.status == "claimed", Handoff.claimed_by == agent))
    if not _transition(session, handoff_id, mine_or_open, status="closed", outcome=outcome,
                       closed_at=now, updated_at=now):
        _refuse(case(session, handoff_id).handoff, agent, verb)
    current = case(session, handoff_id)
    handoff = current.handoff
    if handoff.claimed_by is None:  # ended straight from the queue: the record names who
        handoff.claimed_by, handoff.claimed_at = agent, now
    conversation = session.get(Conversation, handoff.conversation_id)
    conversation.status, conversation.updated_at = conversation_status, now
    _audit(session, agent, f"handoff_{outcome}", handoff)
    return current


def _transition(session: Session, handoff_id: int, allowed: ColumnElement, **values: Any) -> bool:
    result = session.execute(
        update(Handoff).where(Handoff.id == handoff_id, allowed).values(**values)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()  # the row changed underneath the identity map
    return result.rowcount == 1


def _may_end(handoff: Handoff, agent: str) -> bool:
    return handoff.status == "open" or (handoff.status == "claimed" and handoff.claimed_by == agent)


def _refuse(handoff: Handoff, agent: str, verb: str) -> None:
    raise CaseConflict(_why_not(handoff, agent, verb), handoff.borrower_id, handoff.conversation_id)


def _why_not(handoff: Handoff, agent: str, verb: str) -> str:
    if handoff.status == "closed":
        return f"this handoff is closed ({handoff.outcome or 'closed'} by {handoff.claimed_by or 'someone'})"
    if handoff.status == "claimed" and handoff.claimed_by != agent:
        return f"{handoff.claimed_by} has claimed this handoff"
    return f"claim this handoff before you {verb} it"


def _cases() -> Select:
    # A handoff with what the queue shows beside it: the borrower's name and languages.
    return (select(Handoff, Borrower.name, Borrower.language, Conversation.script)
            .join(Borrower, Borrower.id == Handoff.borrower_id)
            .join(Conversation, Conversation.id == Handoff.conversation_id))


def _view(handoff: Handoff, name: str, profile_language: str, script: str | None) -> CaseView:
    return CaseView(handoff, name, language_of_script(script) or profile_language, script)


def _audit(session: Session, agent: str, action: str, handoff: Handoff,
           details: dict | None = None) -> None:
    audit.record(session, audit.agent(agent), action, borrower_id=handoff.borrower_id,
                 conversation_id=handoff.conversation_id,
                 details={"handoff_id": handoff.id, "status": handoff.status, **(details or {})})

