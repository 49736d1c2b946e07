"""Handing a conversation to a person: the record an agent works from.

Priorities run from 1 (most urgent) to 5 (CONTRACT §5); the queue is ordered by priority, then
by age.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.db.models import AuditEvent, Borrower, Conversation, Handoff
from bot.loans.accounts import load_account
from bot.money import format_money

PRIORITY = {
    "distress": 1,
    "legal": 2, "complaint": 2, "dispute": 2,
    "hardship": 3, "stop_contact": 3, "negotiation_failed": 3,
    "human_requested": 4, "ineligible": 4,
    "not_understood": 5,
}

# What the borrower reads when a person takes over (the agent then writes in the chat).
HOLDING = {
    "en": "Thanks for your message. A member of our team will reply to you here shortly.",
    "zh": "感谢您的留言。我们的工作人员会尽快在这里回复您。",
}


def open_handoff(session: Session, conversation_id: str, borrower_id: str, reason: str,
                 actor: str = "bot") -> Handoff:
    """Records the handoff and takes the conversation away from the bot."""
    handoff = Handoff(conversation_id=conversation_id, borrower_id=borrower_id, reason=reason,
                      priority=PRIORITY[reason], status="open",
                      summary=summary(session, borrower_id, reason))
    session.add(handoff)
    session.get(Conversation, conversation_id).status = "handoff"
    session.add(AuditEvent(actor=actor, action="handoff_opened", borrower_id=borrower_id,
                           conversation_id=conversation_id,
                           details={"reason": reason, "priority": handoff.priority}))
    return handoff


# The intents a person must handle, and the handoff reason each opens.
REASON_OF_INTENT = {
    "distress": "distress", "hardship": "hardship", "dispute_debt": "dispute",
    "complaint": "complaint", "legal_matter": "legal", "request_human": "human_requested",
    "stop_contact": "stop_contact",
}


def hand_over(session: Session, conversation_id: str, borrower_id: str, reason: str) -> Handoff:
    """Opens the handoff and does what the reason itself requires of the lender."""
    if reason == "dispute":
        hold_collection(session, borrower_id)
    elif reason == "stop_contact":
        record_opt_out(session, borrower_id)
    return open_handoff(session, conversation_id, borrower_id, reason)


def hold_collection(session: Session, borrower_id: str) -> None:
    # The borrower disputes the debt: no collection on any of their loans until an agent has
    # looked at it (a dispute rarely names the loan).
    for loan in session.get(Borrower, borrower_id).loans:
        loan.collection_hold = True
        session.add(AuditEvent(actor="bot", action="collection_hold_set", borrower_id=borrower_id,
                               loan_id=loan.id, details={"reason": "dispute"}))


def record_opt_out(session: Session, borrower_id: str) -> None:
    borrower = session.get(Borrower, borrower_id)
    borrower.contact_opt_out_at = borrower.contact_opt_out_at or utcnow()
    session.add(AuditEvent(actor=f"borrower:{borrower_id}", action="contact_opt_out",
                           borrower_id=borrower_id))


def summary(session: Session, borrower_id: str, reason: str) -> str:
    """A few lines an agent can read in ten seconds: why, and what is owed."""
    account = load_account(session, borrower_id)
    if account is None:
        return f"Reason: {reason}."
    loans = "; ".join(
        f"{b.loan_id} {format_money(b.overdue_amount, b.currency, 'en')} overdue, "
        f"{b.days_past_due} days past due" for b in account.balances
    ) or "no loans"
    return f"Reason: {reason}. Language: {account.language}. Loans: {loans}."
