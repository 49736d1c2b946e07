"""Reading a borrower's account from the database into domain values."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, selectinload

from bot.arrangements import coverage
from bot.arrangements.progress import progress_of
from bot.clock import today_in
from bot.db.models import Arrangement, Borrower, Conversation, Loan
from bot.ledger.owing import credits_of
from bot.loans.balance import BillLine, LoanBalance, loan_balance
from bot.loans.late_fees import Freeze, late_fee_owed
from bot.loans.reference import LoanRef, loans_named


@dataclass(frozen=True)
class Account:
    borrower_id: str
    name: str
    language: str
    timezone: str
    today: date
    balances: tuple[LoanBalance, ...]
    credits: dict[str, Decimal] = field(default_factory=dict)  # per loan: paid beyond all owed

    def loans_named(self, text: str) -> tuple[str, ...]:
        """The loans a message names plainly ("the HKD loan", L-2004), in the account's order."""
        return loans_named(text, [LoanRef(b.loan_id, b.currency) for b in self.balances])

    def only(self, loan_ids: Collection[str]) -> Account:
        """The account as far as these loans go (all of it when none is given)."""
        if not loan_ids:
            return self
        return replace(self, balances=tuple(b for b in self.balances if b.loan_id in loan_ids))


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
        balances=tuple(balance_of(session, loan, today) for loan in borrower.loans),
        credits=credits_of(session, [loan.id for loan in borrower.loans]),
    )


class BillFigures(Protocol):
    """What a balance reads of a bill: a Bill, or a row of its columns."""

    id: int
    due_date: date
    principal: Decimal
    interest: Decimal
    late_fee: Decimal
    paid: Decimal


class LoanFigures(Protocol):
    id: str
    currency: str
    principal: Decimal


def balance_of(session: Session, loan: Loan, today: date) -> LoanBalance:
    """The loan's effective balance as of `today`: the one figure the bot answers with, the
    agent view shows and eligibility is judged on. Frozen late fees are left out; an active
    deferral or plan puts its own schedule, with what has been paid toward it, in place of
    the bills it covers (bot/loans/balance.py)."""
    return balance_with(session, loan, loan.bills, today, active_arrangement(session, loan.id),
                        coverage.freezes_of(session, [bill.id for bill in loan.bills]))


def balance_with(session: Session, loan: LoanFigures, bills: Iterable[BillFigures], today: date,
                 active: Arrangement | None, freezes: Mapping[int, list[Freeze]]) -> LoanBalance:
    """`balance_of` with the loan's bills, active arrangement and bills' freezes already read
    (a pass over many loans reads them for all at once, as rows: no ORM objects)."""
    progress = progress_of(session, active, today) if active is not None else None
    covered = coverage.covered_by(session, progress.arrangement_id) if progress is not None else set()
    lines = [
        BillLine(bill.due_date, bill.principal, bill.interest,
                 late_fee_owed(bill.late_fee, freezes.get(bill.id, [])), bill.paid, bill.id in covered)
        for bill in bills
    ]
    return loan_balance(loan.id, loan.currency, loan.principal, lines, today, progress)


def active_arrangement(session: Session, loan_id: str) -> Arrangement | None:
    return session.execute(
        select(Arrangement).where(Arrangement.loan_id == loan_id, Arrangement.status == "active")
    ).scalars().first()


# Built once: the gateway asks it on every message.
_OPEN_CONVERSATION = (
    select(Conversation)
    .where(Conversation.borrower_id == bindparam("borrower_id"), Conversation.status != "closed")
    .order_by(Conversation.created_at, Conversation.id)
    .limit(1)
)


def open_conversation(session: Session, borrower_id: str) -> Conversation | None:
    """The borrower's conversation that is not closed: the one they are writing in."""
    return session.execute(_OPEN_CONVERSATION, {"borrower_id": borrower_id}).scalar_one_or_none()


def borrower_of_conversation(session: Session, conversation_id: str) -> str | None:
    return session.execute(
        select(Conversation.borrower_id).where(Conversation.id == conversation_id)
    ).scalar_one_or_none()
