"""Writing a demo portfolio's rows (bot/demo/portfolio.py), and deleting one.

Rows go in with SQLAlchemy Core bulk inserts, table by table in foreign-key order; the caller
gives each batch its own transaction. Bills, messages and handoffs carry their ids (other rows
refer to them), numbered after what the database holds: on PostgreSQL their sequences are moved
past them at the end, so that the code's own inserts carry on after them. Run it while nothing
else writes (a demo database): another writer taking ids meanwhile would collide with these.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from bot.db.models import (
    Arrangement,
    ArrangementBill,
    AuditEvent,
    Bill,
    Borrower,
    Conversation,
    Handoff,
    Loan,
    Message,
    OutreachContact,
    Payment,
    PaymentAllocation,
)
from bot.demo.rows import BORROWER_PREFIX, TABLES, Ids

MODELS: Mapping[str, Any] = {
    "borrowers": Borrower, "loans": Loan, "bills": Bill, "conversations": Conversation, "messages": Message,
    "payments": Payment, "payment_allocations": PaymentAllocation, "arrangements": Arrangement,
    "arrangement_bills": ArrangementBill, "handoffs": Handoff, "outreach_contacts": OutreachContact,
    "audit_events": AuditEvent,
}
NUMBERED: Mapping[str, Any] = {"bill": Bill, "message": Message, "handoff": Handoff}  # the generator numbers
PAGE = 20_000  # rows per statement: the driver pages them again, this bounds the parameters held


def has_portfolio(session: Session) -> bool:
    return session.execute(select(Borrower.id).where(_ours(Borrower.id)).limit(1)).first() is not None


def delete_portfolio(session: Session) -> int:
    """Every row of the portfolio's borrowers, whatever wrote it, children first; how many borrowers."""
    borrowers = select(Borrower.id).where(_ours(Borrower.id))
    loans = select(Loan.id).where(Loan.borrower_id.in_(borrowers))
    conversations = select(Conversation.id).where(Conversation.borrower_id.in_(borrowers))
    arrangements = select(Arrangement.id).where(Arrangement.loan_id.in_(loans))
    payments = select(Payment.payment_id).where(Payment.loan_id.in_(loans))
    for statement in (
        delete(AuditEvent).where(AuditEvent.borrower_id.in_(borrowers)),
        delete(OutreachContact).where(OutreachContact.borrower_id.in_(borrowers)),
        delete(Handoff).where(Handoff.borrower_id.in_(borrowers)),
        delete(Message).where(Message.conversation_id.in_(conversations)),
        delete(Conversation).where(Conversation.borrower_id.in_(borrowers)),
        delete(ArrangementBill).where(ArrangementBill.arrangement_id.in_(arrangements)),
        delete(Arrangement).where(Arrangement.loan_id.in_(loans)),
        delete(PaymentAllocation).where(PaymentAllocation.payment_id.in_(payments)),
        delete(Payment).where(Payment.loan_id.in_(loans)),
        delete(Bill).where(Bill.loan_id.in_(loans)),
        delete(Loan).where(Loan.borrower_id.in_(borrowers)),
    ):
        session.execute(statement.execution_options(synchronize_session=False))
    borrowers_deleted = delete(Borrower).where(_ours(Borrower.id))
    return int(session.execute(borrowers_deleted.execution_options(synchronize_session=False)).rowcount)


def first_ids(session: Session) -> Ids:
    """Numbering that starts after the ids the database holds."""
    found = {name: session.execute(select(func.max(model.id))).scalar() or 0
             for name, model in NUMBERED.items()}
    return Ids(bill=found["bill"] + 1, message=found["message"] + 1, handoff=found["handoff"] + 1)


def write_rows(session: Session, rows: Mapping[str, Sequence[dict[str, Any]]]) -> None:
    for table in TABLES:
        batch = rows.get(table, ())
        for start in range(0, len(batch), PAGE):
            session.execute(insert(MODELS[table]), list(batch[start:start + PAGE]))


def move_sequences(session: Session) -> None:
    """PostgreSQL's sequences past the ids written (SQLite numbers after the largest by itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in NUMBERED.values():
        table = model.__tablename__
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our names
                             f"GREATEST((SELECT MAX(id) FROM {table}), 1))"))


def _ours(column: Any) -> Any:
    # Exact on every backend (SQLite's LIKE ignores case: it would match "P-…").
    return func.substr(column, 1, len(BORROWER_PREFIX)) == BORROWER_PREFIX
