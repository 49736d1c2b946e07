"""Demo borrowers for `make run`: every delinquency bucket, both languages, several currencies.

Due dates are offsets from the borrower's today, so days past due and amounts read the same
whichever day the demo is loaded (the README's examples stay true).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bot.clock import today_in
from bot.loans.fixtures import BillSpec, BorrowerSpec, LoanSpec

# (borrower id, name, language, time zone, [(loan id, currency, principal, [bills])])
# A bill: (days from today, principal, interest, late fee, paid).
DEMO = [
    ("b-1001", "王伟", "zh", "Asia/Shanghai", [
        ("L-1001", "CNY", "3000.00", [(-39, "1000.00", "60.00", "35.00", "0"),
                                      (-8, "1000.00", "50.00", "15.00", "0"),
                                      (22, "1000.00", "40.00", "0", "0")]),
    ]),
    ("b-1002", "李娜", "zh", "Asia/Shanghai", [
        ("L-1002", "CNY", "6000.00", [(-12, "1000.00", "45.50", "10.00", "300.00"),
                                      (18, "1000.00", "40.25", "0", "0"),
                                      (48, "1000.00", "35.00", "0", "0")]),
        ("L-1003", "CNY", "1200.00", [(5, "400.00", "12.00", "0", "0"),
                                      (35, "400.00", "8.00", "0", "0")]),
    ]),
    ("b-1003", "張志明", "zh", "Asia/Hong_Kong", [
        ("L-1004", "HKD", "8000.00", [(-95, "2000.00", "120.00", "200.00", "500.00"),
                                      (-64, "2000.00", "100.00", "200.00", "0"),
                                      (-34, "2000.00", "80.00", "150.00", "0"),
                                      (-3, "2000.00", "60.00", "0", "0")]),
    ]),
    ("b-1004", "陳美玲", "zh", "Asia/Taipei", [
        ("L-1005", "TWD", "30000.00", [(-45, "5000.00", "250.00", "300.00", "0"),
                                       (-15, "5000.00", "200.00", "100.00", "0"),
                                       (15, "5000.00", "150.00", "0", "0")]),
    ]),
    ("b-1005", "刘洋", "zh", "Asia/Shanghai", [
        ("L-1006", "CNY", "2000.00", [(-20, "1000.00", "20.00", "0", "1020.00"),
                                      (10, "1000.00", "10.00", "0", "0")]),
    ]),
    ("b-1006", "赵敏", "zh", "Asia/Shanghai", [
        ("L-1007", "CNY", "15000.00", [(-130, "2500.00", "300.00", "500.00", "0"),
                                       (-99, "2500.00", "250.00", "500.00", "0"),
                                       (-69, "2500.00", "200.00", "400.00", "0")]),
        ("L-1008", "USD", "500.00", [(-27, "250.00", "12.50", "25.00", "100.00"),
                                     (3, "250.00", "6.25", "0", "0")]),
    ]),
    ("b-2001", "Alice Tan", "en", "Asia/Singapore", [
        ("L-2001", "SGD", "1800.00", [(-25, "600.00", "18.00", "20.00", "0"),
                                      (5, "600.00", "12.00", "0", "0"),
                                      (35, "600.00", "6.00", "0", "0")]),
    ]),
    ("b-2002", "John Lee", "en", "America/New_York", [
        ("L-2002", "USD", "1200.00", [(-70, "400.00", "24.00", "30.00", "0"),
                                      (-40, "400.00", "16.00", "30.00", "0"),
                                      (-10, "400.00", "8.00", "15.00", "0")]),
    ]),
    ("b-2003", "Maria Santos", "en", "Asia/Manila", [
        ("L-2003", "USD", "900.00", [(-31, "300.00", "9.00", "15.00", "150.00"),
                                     (-1, "300.00", "6.00", "5.00", "0"),
                                     (29, "300.00", "3.00", "0", "0")]),
    ]),
    ("b-2004", "David Wong", "en", "Asia/Hong_Kong", [
        ("L-2004", "HKD", "12000.00", [(-200, "3000.00", "300.00", "600.00", "1000.00"),
                                       (-170, "3000.00", "250.00", "600.00", "0")]),
        ("L-2005", "HKD", "3000.00", [(-5, "1000.00", "30.00", "0", "0"),
                                      (25, "1000.00", "20.00", "0", "0"),
                                      (55, "1000.00", "10.00", "0", "0")]),
    ]),
    ("b-2005", "Priya Nair", "en", "Asia/Singapore", [
        ("L-2006", "SGD", "600.00", [(12, "300.00", "6.00", "0", "0"),
                                     (42, "300.00", "3.00", "0", "0")]),
    ]),
    ("b-2006", "Tom Baker", "en", "Europe/London", [
        ("L-2007", "USD", "3000.00", [(-60, "1000.00", "50.00", "40.00", "1090.00"),
                                      (-30, "1000.00", "40.00", "40.00", "200.00"),
                                      (0, "1000.00", "30.00", "0", "0")]),
    ]),
]


def demo_borrowers(today: date | None = None) -> list[BorrowerSpec]:
    return [
        BorrowerSpec(
            id=borrower_id,
            name=name,
            language=language,
            timezone=timezone,
            loans=[_loan(loan, today or today_in(timezone)) for loan in loans],
        )
        for borrower_id, name, language, timezone, loans in DEMO
    ]


def _loan(loan: tuple, today: date) -> LoanSpec:
    loan_id, currency, principal, bills = loan
    return LoanSpec(
        id=loan_id,
        currency=currency,
        principal=Decimal(principal),
        bills=[
            BillSpec(today + timedelta(days=offset), *(Decimal(x) for x in amounts))
            for offset, *amounts in bills
        ],
    )
