"""The regulatory record: what the bot, borrowers, agents and the system did, append-only.

`record(session, actor, action, …)` is the one way anything is written to `audit_events`, in
the caller's transaction (so a record exists exactly when what it describes happened).
Actors: `BOT`, `SYSTEM`, `WALLET` (the wallet's ledger, reporting payments), `borrower(id)`,
`agent(username)`.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.db.models import AuditEvent

BOT = "bot"
SYSTEM = "system"
WALLET = "wallet"


def borrower(borrower_id: str) -> str:
    return f"borrower:{borrower_id}"


def agent(username: str) -> str:
    return f"agent:{username}"


def record(
    session: Session, actor: str, action: str, *, borrower_id: str | None = None,
    loan_id: str | None = None, conversation_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(AuditEvent(actor=actor, action=action, borrower_id=borrower_id, loan_id=loan_id,
                           conversation_id=conversation_id, details=details))


def record_many(session: Session, actor: str, action: str, events: list[dict[str, Any]]) -> None:
    """As `record` for each of many events at once (keys: borrower_id, loan_id,
    conversation_id, details), in one statement: outreach delivers hundreds per batch."""
    if events:
        session.execute(insert(AuditEvent), [{"actor": actor, "action": action, "borrower_id": None,
                                              "loan_id": None, "conversation_id": None, "details": None,
                                              **event} for event in events])
