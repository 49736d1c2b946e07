"""Reading a borrower's account from the database into domain values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.clock import today_in
from bot.db.models import Borrower, Conversation, Loan
from bot.loans.balance import BillLine, LoanBalance, loan_balance


@dataclass(frozen=True)
class Account:
    borrower_id: str
    name: str
    language: str
    timezone: str
    today: date
    balances: tuple[LoanBalance, ...]


def load_account(session: Session, borrower_id: str, today: date | None = None) -> Account | None:
    borrower = session.execute(
        select(Borrower)
        .where(Borrower.id == borrower_id)
        .options(selectinload(Borrower.loans).selectinload(Loan.bills))
    ).scalar_one_or_none()
    if borrower is None:
        return None
    today = today or today_in(borrower.timezone)
    return Account(
        borrower_id=borrower.id,
        name=borrower.name,
        language=borrower.language,
        timezone=borrower.timezone,
        today=today,
        balances=tuple(balance_of(loan, today) for loan in borrower.loans),
    )


def balance_of(loan: Loan, today: date) -> LoanBalance:
    bills = [
        BillLine(bill.due_date, bill.principal, bill.interest, bill.late_fee, bill.paid)
        for bill in loan.bills
    ]
    return loan_balance(loan.id, loan.currency, loan.principal, bills, today)


def open_conversation(session: Session, borrower_id: str) -> Conversation | None:
    """The borrower's conversation that is not closed: the one they are writing in."""
    return session.execute(
        select(Conversation)
        .where(Conversation.borrower_id == borrower_id, Conversation.status != "closed")
        .order_by(Conversation.created_at, Conversation.id)
        .limit(1)
    ).scalar_one_or_none()


def borrower_of_conversation(session: Session, conversation_id: str) -> str | None:
    return session.execute(
        select(Conversation.borrower_id).where(Conversation.id == conversation_id)
    ).scalar_one_or_none()
