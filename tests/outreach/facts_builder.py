"""LoanFacts for the pure outreach tests, built without a database: one overdue loan of a
borrower in Shanghai at 10:00 on 2026-11-23, nothing sent yet, no holds. Override any field."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.loans.balance import BillLine, loan_balance
from bot.outreach.facts import ContactCounts, History, LoanFacts

SHANGHAI = ZoneInfo("Asia/Shanghai")
BORROWER = "b-1"


def at(hour: int, minute: int = 0, second: int = 0, zone: ZoneInfo = SHANGHAI) -> datetime:
    """A moment on the builder's day, in the borrower's zone."""
    return datetime(2026, 11, 23, hour, minute, second, tzinfo=zone)


def counts(loan_today: int = 0, loan_last_7_days: int = 0, borrower_today: int = 0,
           ever: int = 0) -> ContactCounts:
    return ContactCounts(loan_today=loan_today, loan_last_7_days=loan_last_7_days,
                         borrower_today=borrower_today, ever=ever)


def loan_facts(*holds: str, **overrides: Any) -> LoanFacts:
    """`loan_facts("dispute", now=at(21), counts=counts(loan_today=1))`."""
    now = overrides.get("now", at(10))
    bills = [  # the first bill 8 days overdue, the second still to come
        BillLine(date(2026, 11, 15), Decimal("500.00"), Decimal("30.00"), Decimal("10.00"), Decimal(0)),
        BillLine(date(2026, 12, 15), Decimal("500.00"), Decimal("30.00"), Decimal(0), Decimal(0)),
    ]
    facts = LoanFacts(
        borrower_id=BORROWER, name="Wang Li", language="zh", script=None, timezone="Asia/Shanghai",
        now=now, balance=loan_balance("L-1001", "CNY", Decimal("6000"), bills, now.date()),
        history=History(broken_arrangements=0, bills_paid_late=1, bills_paid_on_time=3),
        counts=counts(), holds=frozenset(holds),
    )
    return replace(facts, **overrides)
