"""The state a borrower's history is simulated on: their loans and bills as they stand, the
payments they mean to make, their arrangements, conversations and handoffs; each around the
row it keeps current."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.arrangements.eligibility import ArrangementRecord
from bot.arrangements.kinds import Kind
from bot.demo.rows import Row
from bot.ledger.allocation import ZERO, Owing
from bot.ledger.order import COMPONENTS, LATE_FEE
from bot.ledger.owing import still_owed
from bot.loans.balance import BillLine
from bot.loans.late_fees import Freeze, late_fee_owed


@dataclass
class Intent:
    """A payment the borrower means to make: what bills up to `through` still owe then, or
    `amount` (an instalment, a promise). Dropped (`live` False) when plans change."""

    at: datetime
    through: int
    amount: Decimal | None = None
    live: bool = True


@dataclass
class BillState:
    row: Row  # the bills row: its late_fee and paid kept current
    paid: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, ZERO))
    covers: list[Row] = field(default_factory=list)  # its arrangement_bills rows
    last_paid_at: datetime | None = None
    known: dict[Any, Any] = field(default_factory=dict)  # figures worked out since it last changed

    def changed(self) -> None:
        self.known.clear()

    @property
    def id(self) -> int:
        bill_id: int = self.row["id"]
        return bill_id

    @property
    def due(self) -> date:
        due: date = self.row["due_date"]
        return due

    def fee_owed(self) -> Decimal:
        if not self.covers:  # most bills: no arrangement ever froze their fee
            fee: Decimal = self.row["late_fee"]
            return fee
        freezes = [Freeze(row["late_fee_at_start"], row["late_fee_waived"]) for row in self.covers
                   if row["late_fee_frozen"]]
        return late_fee_owed(self.row["late_fee"], freezes)

    def owing(self, order: Sequence[str]) -> Owing:
        row = self.row
        charges = {"principal": row["principal"], "interest": row["interest"], LATE_FEE: self.fee_owed()}
        return Owing(self.id, self.due, still_owed(charges, ZERO, self.paid, order))

    def unpaid(self) -> Decimal:
        if "unpaid" not in self.known:
            self.known["unpaid"] = max(ZERO, self.row["principal"] + self.row["interest"] + self.fee_owed()
                                       - self.row["paid"])
        unpaid: Decimal = self.known["unpaid"]
        return unpaid

    def settled(self) -> bool:
        """As the risk segment counts it: paid in full, the late fee charged included."""
        return bool(self.row["paid"] >= self.row["principal"] + self.row["interest"] + self.row["late_fee"])

    def line(self, covered: bool) -> BillLine:
        if covered not in self.known:
            row = self.row
            self.known[covered] = BillLine(self.due, row["principal"], row["interest"], self.fee_owed(),
                                           row["paid"], covered)
        line: BillLine = self.known[covered]
        return line


@dataclass
class ArrangementState:
    row: Row
    kind: Kind[Any, Any]
    terms: Any
    covers: list[Row]  # arrangement_bills rows
    planned: list[Intent] = field(default_factory=list)  # the payments the borrower means to make
    suspended: list[Intent] = field(default_factory=list)  # their own, held back while it runs

    @property
    def id(self) -> str:
        arrangement_id: str = self.row["id"]
        return arrangement_id

    @property
    def created_at(self) -> datetime:
        created: datetime = self.row["created_at"]
        return created


@dataclass
class LoanState:
    row: Row
    bills: list[BillState]
    order: tuple[str, ...]  # the components a payment pays, the first first
    natural: list[Intent] = field(default_factory=list)
    payments: list[tuple[datetime, datetime, Decimal]] = field(default_factory=list)  # paid, received
    credit: Decimal = ZERO
    arrangements: list[ArrangementState] = field(default_factory=list)
    active: ArrangementState | None = None
    broken: int = 0
    broken_since: date | None = None  # the latest break, as the planner reads it (a UTC date)
    broken_day: date | None = None  # the same, in the borrower's calendar
    keys: set[str] = field(default_factory=set)  # the outreach contacts decided
    last_check: date | None = None
    check_version: int = 0

    @property
    def id(self) -> str:
        loan_id: str = self.row["id"]
        return loan_id

    @property
    def currency(self) -> str:
        currency: str = self.row["currency"]
        return currency

    def bill(self, bill_id: int) -> BillState:
        return self.bills[bill_id - self.bills[0].id]  # numbered in order

    def oldest_unpaid(self) -> BillState | None:
        return next((bill for bill in self.bills if bill.unpaid() > ZERO), None)

    def history(self) -> list[ArrangementRecord]:
        return [ArrangementRecord(a.kind.name, a.row["status"], a.created_at) for a in self.arrangements]


@dataclass
class ConversationState:
    row: Row
    said: list[str] = field(default_factory=list)  # the borrower's messages, for a handoff's summary
    closed_at: datetime | None = None  # when an agent ended it

    @property
    def id(self) -> str:
        conversation_id: str = self.row["id"]
        return conversation_id

    def open_at(self, moment: datetime) -> bool:
        return self.closed_at is None or moment < self.closed_at


@dataclass
class HandoffState:
    row: Row
    conversation: ConversationState
    agent: str
    ends_at: datetime | None  # None: still open or claimed now

    def open_at(self, moment: datetime) -> bool:
        return self.row["created_at"] <= moment and (self.ends_at is None or moment < self.ends_at)
