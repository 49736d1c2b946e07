"""Test borrowers, built in code: one builder, and the borrowers several suites share, instead of
fixture YAML copied from suite to suite.

A bill falls due a number of days from the borrower's today (or on a fixed date), so that days
past due and amounts are exact whatever day the tests run; `load(..., today=CONTRACT_DAY)`
gives unit tests the fixed calendar of CONTRACT §3's example.

    load(database, wang(), alice(), borrower("b-9", "Tan Wei", timezone="Asia/Singapore")
         .loan("L-9", "SGD", "900.00", bill(-10, "300.00", interest="9.00"), bill(20, "300.00")))
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.clock import today_in
from bot.db import Database
from bot.loans.fixtures import BillSpec, BorrowerSpec, LoanSpec, load_fixture

CONTRACT_DAY = date(2026, 11, 23)  # the unit tests' today: CONTRACT §3's bills are 39 and 8 days late


@dataclass(frozen=True)
class Bill:
    due: int | date  # days from the borrower's today, or a date
    principal: str
    interest: str = "0"
    late_fee: str = "0"
    paid: str = "0"

    def spec(self, today: date) -> BillSpec:
        due = self.due if isinstance(self.due, date) else today + timedelta(days=self.due)
        return BillSpec(due, *(Decimal(x) for x in (self.principal, self.interest, self.late_fee, self.paid)))


def bill(due: int | date, principal: str, interest: str = "0", late_fee: str = "0", paid: str = "0") -> Bill:
    return Bill(due, principal, interest, late_fee, paid)


@dataclass(frozen=True)
class Loan:
    id: str
    currency: str
    principal: str
    bills: tuple[Bill, ...]


@dataclass(frozen=True)
class Borrower:
    id: str
    name: str
    language: str = "en"
    timezone: str = "UTC"
    loans: tuple[Loan, ...] = field(default_factory=tuple)

    def loan(self, id: str, currency: str, principal: str, *bills: Bill) -> Borrower:
        """This borrower with one more loan."""
        return replace(self, loans=(*self.loans, Loan(id, currency, principal, bills)))

    def spec(self, today: date | None = None) -> BorrowerSpec:
        """As `python -m bot db load` reads it; bills dated from `today` (default: the borrower's)."""
        day = today or today_in(self.timezone)
        return BorrowerSpec(self.id, self.name, self.language, self.timezone, [
            LoanSpec(loan.id, loan.currency, Decimal(loan.principal), [b.spec(day) for b in loan.bills])
            for loan in self.loans
        ])


def borrower(id: str, name: str, language: str = "en", timezone: str = "UTC") -> Borrower:
    return Borrower(id, name, language, timezone)


def load(database: Database, *borrowers: Borrower, today: date | None = None) -> None:
    with database.transaction() as session:
        add(session, *borrowers, today=today)


def add(session: Session, *borrowers: Borrower, today: date | None = None) -> None:
    """`load`, in a transaction of the caller's."""
    load_fixture(session, [b.spec(today) for b in borrowers])


# --- the borrowers several suites share ----------------------------------------------------------


def wang(late_fees: tuple[str, str] = ("35.00", "0")) -> Borrower:
    """CONTRACT §3's borrower (tests/fixtures/contract_example.yml on CONTRACT_DAY): CNY 2,145.00
    overdue, 39 days past due, the last bill still to come. Other `late_fees` on the two overdue
    bills: the lender's system reloading the loan with its fees raised."""
    first, second = late_fees
    return borrower("b-1001", "王伟", "zh", "Asia/Shanghai").loan(
        "L-1001", "CNY", "3000.00",
        bill(-39, "1000.00", interest="60.00", late_fee=first),
        bill(-8, "1000.00", interest="50.00", late_fee=second),
        bill(22, "1000.00", interest="40.00"),
    )


def fees_raised(database: Database, first: str, second: str) -> None:
    """The lender's system reloads Wang's loan (on CONTRACT_DAY) with the overdue bills' late
    fees raised to `first` and `second`."""
    load(database, wang(late_fees=(first, second)), today=CONTRACT_DAY)


def alice() -> Borrower:
    """An English borrower, SGD 538.25 overdue for 22 days (part of it paid)."""
    return borrower("b-2001", "Alice Tan", "en", "Asia/Singapore").loan(
        "L-2001", "SGD", "1200.00",
        bill(-22, "600.00", interest="18.50", late_fee="20.00", paid="100.25"),
        bill(8, "600.00", interest="12.00"),
    )
