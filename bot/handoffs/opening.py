"""Handing a conversation to a person: the record an agent works from.

Priorities run from 1 (most urgent) to 5 (CONTRACT §5); the queue is ordered by priority, then
by age. A conversation has at most one handoff that is not closed: a second trigger while a
person already has it adds nothing to the queue.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.clock import utcnow
from bot.db.models import Borrower, Conversation, Handoff
from bot.handoffs.summary import Offers, summary
from bot.replies.reply import Reply

PRIORITY = {
    "distress": 1,
    "legal": 2, "complaint": 2, "dispute": 2,
    "hardship": 3, "stop_contact": 3, "negotiation_failed": 3,
    "human_requested": 4, "ineligible": 4,
    "not_understood": 5,
}

# What the borrower reads when a person takes over at their message (the agent then writes
# in the chat); the gateway says it.
HOLDING = Reply("utter_holding")


@dataclass(frozen=True)
class HardCase:
    """An intent a person must handle: the handoff reason it opens, and the bot's kind words
    before the person takes over (a response of domain.yml)."""

    reason: str
    answer: str


HARD_CASES = {
    "distress": HardCase("distress", "utter_distress"),
    "hardship": HardCase("hardship", "utter_hardship"),
    "dispute_debt": HardCase("dispute", "utter_dispute"),
    "complaint": HardCase("complaint", "utter_complaint"),
    "legal_matter": HardCase("legal", "utter_legal"),
    "request_human": HardCase("human_requested", "utter_request_human"),
    "stop_contact": HardCase("stop_contact", "utter_stop_contact"),
}


def hand_over(session: Session, conversation_id: str, borrower_id: str, reason: str,
              offers: Offers | None = None, note: str | None = None) -> Handoff:
    """Opens the handoff and does what the reason itself requires of the lender."""
    if reason == "dispute":
        hold_collection(session, borrower_id)
    elif reason == "stop_contact":
        record_opt_out(session, borrower_id)
    return open_handoff(session, conversation_id, borrower_id, reason, offers=offers, note=note)


def open_handoff(session: Session, conversation_id: str, borrower_id: str, reason: str,
                 actor: str = audit.BOT, offers: Offers | None = None,
                 note: str | None = None) -> Handoff:
    """Records the handoff and takes the conversation away from the bot; the handoff already
    open for the conversation if there is one (its priority raised if this reason is more
    urgent). `note` says in the summary what the reason alone does not (a refusal to pay)."""
    conversation = session.get(Conversation, conversation_id)
    handoff = active_handoff(session, conversation_id)
    if handoff is not None:
        if PRIORITY[reason] < handoff.priority:
            handoff.reason, handoff.priority = reason, PRIORITY[reason]
            handoff.summary = summary(session, conversation, reason, offers, note)
        _audit(session, actor, "handoff_reasserted", handoff, reason)
        return handoff
    handoff = Handoff(conversation_id=conversation_id, borrower_id=borrower_id, reason=reason,
                      priority=PRIORITY[reason], status="open",
                      summary=summary(session, conversation, reason, offers, note))
    session.add(handoff)
    session.flush()  # its id, for the audit and the agents' live queue
    conversation.status = "handoff"
    _audit(session, actor, "handoff_opened", handoff, reason)
    return handoff


def active_handoff(session: Session, conversation_id: str) -> Handoff | None:
    return session.execute(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status != "closed")
        .order_by(Handoff.id).limit(1)
    ).scalar_one_or_none()


def hold_collection(session: Session, borrower_id: str) -> None:
    # The borrower disputes the debt: no collection on any of their loans until an agent has
    # looked at it (a dispute rarely names the loan).
    for loan in session.get(Borrower, borrower_id).loans:
        loan.collection_hold = True
        audit.record(session, audit.BOT, "collection_hold_set", borrower_id=borrower_id,
                     loan_id=loan.id, details={"reason": "dispute"})


def record_opt_out(session: Session, borrower_id: str) -> None:
    borrower = session.get(Borrower, borrower_id)
    borrower.contact_opt_out_at = borrower.contact_opt_out_at or utcnow()
    audit.record(session, audit.borrower(borrower_id), "contact_opt_out", borrower_id=borrower_id)


def _audit(session: Session, actor: str, action: str, handoff: Handoff, reason: str) -> None:
    audit.record(session, actor, action, borrower_id=handoff.borrower_id,
                 conversation_id=handoff.conversation_id,
                 details={"handoff_id": handoff.id, "reason": reason, "priority": handoff.priority})
