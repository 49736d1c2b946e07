"""bot/loans/balance.py: overdue amount and days past due, per CONTRACT §3."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.loans.balance import BillLine, loan_balance, totals_by_currency

D = Decimal


def contract_bills(first_paid: str = "0") -> list[BillLine]:
    """CONTRACT §3's L-1001."""
    return [
        BillLine(date(2026, 10, 15), D("1000.00"), D("60.00"), D("35.00"), D(first_paid)),
        BillLine(date(2026, 11, 15), D("1000.00"), D("50.00"), D("0"), D("0")),
        BillLine(date(2026, 12, 15), D("1000.00"), D("40.00"), D("0"), D("0")),
    ]


def contract_balance(today: date, first_paid: str = "0"):
    return loan_balance("L-1001", "CNY", D("3000.00"), contract_bills(first_paid), today)


@pytest.mark.parametrize(
    "today, overdue, days, oldest, bills_overdue, next_due, next_amount",
    [
        # before anything is due
        (date(2026, 10, 1), "0.00", 0, None, 0, date(2026, 10, 15), "1095.00"),
        # due today is not overdue
        (date(2026, 10, 15), "0.00", 0, None, 0, date(2026, 10, 15), "1095.00"),
        (date(2026, 10, 16), "1095.00", 1, date(2026, 10, 15), 1, date(2026, 11, 15), "1050.00"),
        (date(2026, 11, 15), "1095.00", 31, date(2026, 10, 15), 1, date(2026, 11, 15), "1050.00"),
        (date(2026, 11, 23), "2145.00", 39, date(2026, 10, 15), 2, date(2026, 12, 15), "1040.00"),
        (date(2026, 12, 16), "3185.00", 62, date(2026, 10, 15), 3, None, "0.00"),
        (date(2027, 1, 1), "3185.00", 78, date(2026, 10, 15), 3, None, "0.00"),
    ],
)
def test_contract_example_over_time(today, overdue, days, oldest, bills_overdue, next_due, next_amount):
    balance = contract_balance(today)
    assert str(balance.overdue_amount) == overdue
    assert balance.days_past_due == days
    assert balance.oldest_unpaid_due_date == oldest
    assert balance.bills_overdue == bills_overdue
    assert balance.next_due_date == next_due
    assert str(balance.next_due_amount) == next_amount
    assert str(balance.outstanding) == "3185.00"
    assert balance.is_overdue is (overdue != "0.00")
    assert balance.currency == "CNY" and str(balance.principal) == "3000.00"


def test_overdue_breakdown_adds_up():
    balance = contract_balance(date(2026, 11, 23), first_paid="100.00")
    assert str(balance.overdue_principal) == "2000.00"
    assert str(balance.overdue_interest) == "110.00"
    assert str(balance.overdue_late_fees) == "35.00"
    assert str(balance.overdue_paid) == "100.00"
    assert str(balance.overdue_amount) == "2045.00"
    assert (
        balance.overdue_principal + balance.overdue_interest + balance.overdue_late_fees
        - balance.overdue_paid == balance.overdue_amount
    )
    assert str(balance.outstanding) == "3085.00"


def test_bill_paid_in_full_is_not_counted_in_days_past_due():
    balance = contract_balance(date(2026, 11, 23), first_paid="1095.00")
    assert str(balance.overdue_amount) == "1050.00"
    assert balance.days_past_due == 8  # from 2026-11-15, not 2026-10-15
    assert balance.oldest_unpaid_due_date == date(2026, 11, 15)
    assert balance.bills_overdue == 1


def test_older_partly_paid_bill_still_counts():
    balance = contract_balance(date(2026, 11, 23), first_paid="1094.99")
    assert str(balance.overdue_amount) == "1050.01"
    assert balance.days_past_due == 39
    assert balance.oldest_unpaid_due_date == date(2026, 10, 15)
    assert balance.bills_overdue == 2


def test_everything_paid_is_current():
    bills = [BillLine(b.due_date, b.principal, b.interest, b.late_fee, b.charged) for b in contract_bills()]
    balance = loan_balance("L-1", "CNY", D("3000"), bills, date(2027, 6, 1))
    assert str(balance.overdue_amount) == "0.00"
    assert balance.days_past_due == 0 and balance.oldest_unpaid_due_date is None
    assert str(balance.outstanding) == "0.00"
    assert balance.next_due_date is None and not balance.is_overdue


def test_overpaid_bill_is_never_negative():
    balance = contract_balance(date(2026, 11, 23), first_paid="1500.00")
    # the first bill's unpaid part is 0, not -405: it does not reduce the second bill
    assert str(balance.overdue_amount) == "1050.00"
    assert str(balance.overdue_paid) == "1095.00"
    assert str(balance.outstanding) == "2090.00"
    assert balance.days_past_due == 8
    assert BillLine(date(2026, 1, 1), D("10"), D("0"), D("0"), D("99")).unpaid == D("0")


def test_no_bills():
    balance = loan_balance("L-0", "USD", D("0"), [], date(2026, 11, 23))
    assert str(balance.overdue_amount) == "0.00" and str(balance.outstanding) == "0.00"
    assert balance.days_past_due == 0 and balance.next_due_date is None


def test_bill_order_does_not_matter():
    shuffled = list(reversed(contract_bills("300.00")))
    balance = loan_balance("L-1001", "CNY", D("3000.00"), shuffled, date(2026, 11, 23))
    assert balance == contract_balance(date(2026, 11, 23), "300.00")


def test_zero_decimal_currency_jpy():
    bills = [
        BillLine(date(2026, 10, 1), D("10000"), D("250"), D("500"), D("0")),
        BillLine(date(2026, 11, 1), D("10000"), D("200"), D("0"), D("0")),
    ]
    balance = loan_balance("L-J", "JPY", D("20000"), bills, date(2026, 11, 23))
    assert str(balance.overdue_amount) == "20950"
    assert str(balance.principal) == "20000"
    assert str(balance.next_due_amount) == "0"
    assert balance.days_past_due == 53


def test_three_decimal_currency_kwd():
    bills = [BillLine(date(2026, 11, 1), D("100"), D("1.125"), D("0.5"), D("0.001"))]
    balance = loan_balance("L-K", "KWD", D("100"), bills, date(2026, 11, 23))
    assert str(balance.overdue_amount) == "101.624"
    assert str(balance.overdue_interest) == "1.125"
    assert str(balance.overdue_late_fees) == "0.500"
    assert str(balance.principal) == "100.000"


def test_sub_unit_amounts_round_half_up_to_the_currency():
    bills = [BillLine(date(2026, 11, 1), D("10.00"), D("0.005"), D("0"), D("0"))]
    assert str(loan_balance("L", "USD", D("10"), bills, date(2026, 11, 2)).overdue_amount) == "10.01"
    assert str(loan_balance("L", "JPY", D("10"), bills, date(2026, 11, 2)).overdue_amount) == "10"
    bills = [BillLine(date(2026, 11, 1), D("10.00"), D("0.0049"), D("0"), D("0"))]
    assert str(loan_balance("L", "USD", D("10"), bills, date(2026, 11, 2)).overdue_amount) == "10.00"


def test_amounts_are_decimals_never_floats():
    balance = contract_balance(date(2026, 11, 23))
    for name in ("principal", "overdue_principal", "overdue_interest", "overdue_late_fees",
                 "overdue_paid", "overdue_amount", "next_due_amount", "outstanding"):
        assert type(getattr(balance, name)) is Decimal, name


def test_totals_by_currency_never_mixes_currencies():
    today = date(2026, 11, 23)
    cny_1 = contract_balance(today)
    cny_2 = loan_balance("L-2", "CNY", D("500"),
                         [BillLine(date(2026, 11, 1), D("500"), D("5.50"), D("0"), D("0"))], today)
    usd = loan_balance("L-3", "USD", D("100"),
                       [BillLine(date(2026, 12, 1), D("100"), D("1"), D("0"), D("0"))], today)
    jpy = loan_balance("L-4", "JPY", D("9000"),
                       [BillLine(date(2026, 11, 20), D("9000"), D("0"), D("0"), D("0"))], today)
    totals = totals_by_currency([cny_1, usd, cny_2, jpy])
    assert totals == {
        "CNY": (D("2650.50"), D("3690.50")),
        "USD": (D("0.00"), D("101.00")),
        "JPY": (D("9000"), D("9000")),
    }
    assert str(totals["CNY"][0]) == "2650.50" and str(totals["JPY"][0]) == "9000"
    assert totals_by_currency([]) == {}
