"""Helpers for the ledger tests: a wallet's report, recording it in its own transaction, and
the ledger read back."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.arrangements.policy import load_policy
from bot.db import Database
from bot.db.models import Bill, Payment, PaymentAllocation
from bot.ledger.payments import RecordedPayment, WalletPayment
from bot.ledger.recording import record_payment

BOOK = load_policy()
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)  # CONTRACT_DAY, noon in Shanghai
REPORT = WalletPayment("w-1", "b-1001", "L-1001", Decimal("120.50"), "CNY",
                       datetime(2026, 11, 23, 11, 0, tzinfo=SHANGHAI))


def report(**changes) -> WalletPayment:
    return replace(REPORT, **changes)


def record(database: Database, payment: WalletPayment = REPORT, now: datetime = NOW) -> RecordedPayment:
    with database.transaction() as session:
        return record_payment(session, payment, BOOK, now)


def bills_paid(database: Database, loan_id: str = "L-1001") -> list[tuple[str, Decimal, Decimal]]:
    """(due date, opening paid, paid) of each bill, oldest first."""
    with database.transaction() as session:
        return [(bill.due_date.isoformat(), bill.opening_paid, bill.paid) for bill in session.execute(
            select(Bill).where(Bill.loan_id == loan_id).order_by(Bill.due_date)).scalars()]


def allocations(database: Database) -> list[tuple[str, str | None, str, Decimal]]:
    """(payment id, bill due date or None, component, amount), in the order written."""
    with database.transaction() as session:
        rows = session.execute(
            select(PaymentAllocation.payment_id, Bill.due_date, PaymentAllocation.component,
                   PaymentAllocation.amount)
            .outerjoin(Bill, Bill.id == PaymentAllocation.bill_id).order_by(PaymentAllocation.id)).all()
        return [(payment, due and due.isoformat(), component, amount)
                for payment, due, component, amount in rows]


def payments(database: Database) -> list[Payment]:
    with database.transaction() as session:
        return list(session.execute(select(Payment).order_by(Payment.id)).scalars())
