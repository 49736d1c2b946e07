"""Handing a conversation to a person: the record an agent works from.

Priorities run from 1 (most urgent) to 5 (CONTRACT §5); the queue is ordered by priority, then
by age. A conversation has at most one handoff that is not closed: a second trigger while a
person already has it adds nothing to the queue.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.db.models import AuditEvent, Borrower, Conversation, Handoff, Message
from bot.language import language_of_script
from bot.loans.accounts import load_account
from bot.money import quantize

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

# The intents a person must handle, and the handoff reason each opens.
REASON_OF_INTENT = {
    "distress": "distress", "hardship": "hardship", "dispute_debt": "dispute",
    "complaint": "complaint", "legal_matter": "legal", "request_human": "human_requested",
    "stop_contact": "stop_contact",
}

SAID_SHOWN = 3  # the borrower's latest messages quoted in the summary
SAID_CHARACTERS = 160


@dataclass(frozen=True)
class Offers:
    """Arrangement types the bot offered in this conversation, and those the borrower refused."""

    made: tuple[str, ...] = ()
    declined: tuple[str, ...] = ()


def hand_over(session: Session, conversation_id: str, borrower_id: str, reason: str,
              offers: Offers | None = None) -> Handoff:
    """Opens the handoff and does what the reason itself requires of the lender."""
    if reason == "dispute":
        hold_collection(session, borrower_id)
    elif reason == "stop_contact":
        record_opt_out(session, borrower_id)
    return open_handoff(session, conversation_id, borrower_id, reason, offers=offers)


def open_handoff(session: Session, conversation_id: str, borrower_id: str, reason: str,
                 actor: str = "bot", offers: Offers | None = None) -> Handoff:
    """Records the handoff and takes the conversation away from the bot; the handoff already
    open for the conversation if there is one (its priority raised if this reason is more
    urgent)."""
    conversation = session.get(Conversation, conversation_id)
    handoff = active_handoff(session, conversation_id)
    if handoff is not None:
        if PRIORITY[reason] < handoff.priority:
            handoff.reason, handoff.priority = reason, PRIORITY[reason]
            handoff.summary = summary(session, conversation, reason, offers)
        _audit(session, actor, "handoff_reasserted", handoff, reason)
        return handoff
    handoff = Handoff(conversation_id=conversation_id, borrower_id=borrower_id, reason=reason,
                      priority=PRIORITY[reason], status="open",
                      summary=summary(session, conversation, reason, offers))
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
        session.add(AuditEvent(actor="bot", action="collection_hold_set", borrower_id=borrower_id,
                               loan_id=loan.id, details={"reason": "dispute"}))


def record_opt_out(session: Session, borrower_id: str) -> None:
    borrower = session.get(Borrower, borrower_id)
    borrower.contact_opt_out_at = borrower.contact_opt_out_at or utcnow()
    session.add(AuditEvent(actor=f"borrower:{borrower_id}", action="contact_opt_out",
                           borrower_id=borrower_id))


def summary(session: Session, conversation: Conversation, reason: str,
            offers: Offers | None = None) -> str:
    """A few lines an agent can read in ten seconds: why, in which language, what the borrower
    said, what is owed, and what was offered."""
    account = load_account(session, conversation.borrower_id)
    language = language_of_script(conversation.script) or (account.language if account else "?")
    lines = [f"Reason: {reason}. Language: {language}."]
    said = _latest_borrower_messages(session, conversation.id)
    if said:
        lines.append("Borrower said: " + " / ".join(f"“{text}”" for text in said))
    lines.append("Loans: " + _loans(account) + ".")
    if offers and (offers.made or offers.declined):
        lines.append(f"Offered: {_names(offers.made)}. Refused: {_names(offers.declined)}.")
    return "\n".join(lines)


def _latest_borrower_messages(session: Session, conversation_id: str) -> list[str]:
    texts = session.execute(
        select(Message.text)
        .where(Message.conversation_id == conversation_id, Message.sender == "borrower")
        .order_by(Message.id.desc()).limit(SAID_SHOWN)
    ).scalars().all()
    return [_shortened(" ".join(text.split())) for text in reversed(texts)]


def _shortened(text: str) -> str:
    return text if len(text) <= SAID_CHARACTERS else text[:SAID_CHARACTERS - 1] + "…"


def _loans(account) -> str:
    if account is None or not account.balances:
        return "none"
    return "; ".join(
        f"{b.loan_id} {_amount(b.overdue_amount, b.currency)} overdue, "
        f"{b.days_past_due} days past due" for b in account.balances
    )


def _amount(amount, currency: str) -> str:
    # The ISO code, as the console shows it: "$" or "¥" alone would not say which currency.
    return f"{currency} {format(quantize(amount, currency), ',f')}"


def _names(types: tuple[str, ...]) -> str:
    return ", ".join(t.replace("_", " ") for t in types) or "none"


def _audit(session: Session, actor: str, action: str, handoff: Handoff, reason: str) -> None:
    session.add(AuditEvent(actor=actor, action=action, borrower_id=handoff.borrower_id,
                           conversation_id=handoff.conversation_id,
                           details={"handoff_id": handoff.id, "reason": reason,
                                    "priority": handoff.priority}))
