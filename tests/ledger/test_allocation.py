"""bot/ledger/allocation.py: the one rule, pure — oldest bill first, then the lender's order of
components, then a credit; and, over thousands of generated payment sequences, not a cent made
or lost."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ledger.allocation import Allocation, Line, Owing, allocate
from bot.ledger.order import COMPONENTS, DEFAULT_ORDER
from bot.ledger.owing import still_owed
from bot.money import quantum

D = Decimal
OCT, NOV, DEC = date(2026, 10, 15), date(2026, 11, 15), date(2026, 12, 15)


def owing(bill_id: int, due: date, late_fee: str = "0", interest: str = "0", principal: str = "0") -> Owing:
    return Owing(bill_id, due, {"late_fee": D(late_fee), "interest": D(interest), "principal": D(principal)})


# CONTRACT §3's loan: 1000 + 60 + 35 due in October, 1000 + 50 in November, 1000 + 40 in December.
WANG = (owing(2, NOV, interest="50.00", principal="1000.00"),  # given out of order on purpose
        owing(1, OCT, late_fee="35.00", interest="60.00", principal="1000.00"),
        owing(3, DEC, interest="40.00", principal="1000.00"))


def test_the_oldest_bill_first_late_fee_then_interest_then_principal():
    assert allocate(D("120.50"), WANG, DEFAULT_ORDER) == Allocation((
        Line(1, "late_fee", D("35.00")), Line(1, "interest", D("60.00")), Line(1, "principal", D("25.50")),
    ), D("0"))


def test_a_bill_paid_off_passes_the_rest_to_the_next():
    allocation = allocate(D("1100.00"), WANG, DEFAULT_ORDER)
    assert allocation.lines == (
        Line(1, "late_fee", D("35.00")), Line(1, "interest", D("60.00")), Line(1, "principal", D("1000.00")),
        Line(2, "interest", D("5.00")),
    )
    assert (allocation.allocated, allocation.credit) == (D("1100.00"), D("0"))


def test_bills_not_due_yet_are_paid_before_any_credit_and_the_rest_is_credit():
    allocation = allocate(D("3200.00"), WANG, DEFAULT_ORDER)
    assert [line.bill_id for line in allocation.lines] == [1, 1, 1, 2, 2, 3, 3]
    assert (allocation.allocated, allocation.credit) == (D("3185.00"), D("15.00"))


def test_the_lenders_own_order():
    order = ("principal", "interest", "late_fee")
    assert allocate(D("1050.00"), WANG, order).lines == (
        Line(1, "principal", D("1000.00")), Line(1, "interest", D("50.00")))


def test_paid_components_and_equal_dates_by_bill_id():
    bills = (owing(7, OCT, interest="10.00"), owing(5, OCT, late_fee="0", principal="5.00"))
    assert allocate(D("20.00"), bills, DEFAULT_ORDER) == Allocation(
        (Line(5, "principal", D("5.00")), Line(7, "interest", D("10.00"))), D("5.00"))


def test_nothing_owed_is_all_credit():
    assert allocate(D("0.01"), (), DEFAULT_ORDER) == Allocation((), D("0.01"))


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_only_a_positive_amount_is_allocated(amount):
    with pytest.raises(ValueError, match="positive"):
        allocate(D(amount), WANG, DEFAULT_ORDER)


def test_the_opening_paid_pays_the_components_in_the_same_order():
    charges = {"late_fee": D("35.00"), "interest": D("60.00"), "principal": D("1000.00")}
    assert still_owed(charges, D("50.00"), {}, DEFAULT_ORDER) == {
        "late_fee": D("0.00"), "interest": D("45.00"), "principal": D("1000.00")}
    # What payments paid is taken first; the opening paid pays what they left.
    assert still_owed(charges, D("50.00"), {"late_fee": D("35.00")}, DEFAULT_ORDER) == {
        "late_fee": D("0.00"), "interest": D("10.00"), "principal": D("1000.00")}
    assert still_owed(charges, D("2000.00"), {}, DEFAULT_ORDER) == dict.fromkeys(COMPONENTS, D("0"))


# --- the property: pure, many examples ------------------------------------------------------

CURRENCIES = ("CNY", "JPY", "KWD")  # 2, 0 and 3 decimals


@st.composite
def ledgers(draw):
    """A currency, an order, bills (charges and an opening paid) and a sequence of payments,
    all in whole minor units of the currency."""
    # Plain integers scaled here: strategies made inside a draw with lambdas are slow to describe.
    currency = draw(st.sampled_from(CURRENCIES))
    unit = quantum(currency)
    order = tuple(draw(st.permutations(COMPONENTS)))
    bills = []
    for bill_id in range(1, draw(st.integers(0, 5)) + 1):
        charges = {component: draw(st.integers(0, 50_000)) * unit for component in COMPONENTS}
        opening = draw(st.integers(0, int(sum(charges.values()) / unit) + 100)) * unit
        due = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
        bills.append((bill_id, due, charges, opening))
    payments = [n * unit for n in draw(st.lists(st.integers(1, 150_000), min_size=1, max_size=8))]
    return currency, order, bills, payments


@settings(max_examples=2000, deadline=None)
@given(ledgers())
def test_allocation_never_makes_or_loses_a_cent(ledger):
    currency, order, bills, payments = ledger
    allocated = {(bill_id, component): D(0) for bill_id, *_ in bills for component in COMPONENTS}
    credit = D(0)
    for amount in payments:
        owing_now = [Owing(bill_id, due, still_owed(charges, opening, _of(allocated, bill_id), order))
                     for bill_id, due, charges, opening in bills]
        allocation = allocate(amount, owing_now, order)
        assert allocation.allocated + allocation.credit == amount
        _oldest_first_in_order(allocation, owing_now, order)
        for line in allocation.lines:
            assert line.amount > 0 and line.amount == line.amount.quantize(quantum(currency))
            allocated[line.bill_id, line.component] += line.amount
        credit += allocation.credit
    assert sum(allocated.values(), D(0)) + credit == sum(payments, D(0))
    total_owed = sum(sum(still_owed(charges, opening, {}, order).values(), D(0))
                     for _, _, charges, opening in bills)
    assert credit == max(D(0), sum(payments, D(0)) - total_owed)  # credit only beyond everything
    for bill_id, _, charges, opening in bills:
        for component in COMPONENTS:  # never more to a component than it charges
            assert allocated[bill_id, component] <= charges[component]
        paid = opening + sum(_of(allocated, bill_id).values(), D(0))  # what Bill.paid holds
        assert paid - opening <= max(D(0), sum(charges.values(), D(0)) - opening)


def _of(allocated: dict, bill_id: int) -> dict:
    return {component: allocated[bill_id, component] for component in COMPONENTS}


def _oldest_first_in_order(allocation: Allocation, owing_now: list[Owing], order: tuple) -> None:
    """A line for a component means every bill before it, and every component before it in
    the order, was paid off by this payment (so at most the last line is partial)."""
    rank = {(bill.bill_id, component): (bill.due_date, bill.bill_id, order.index(component))
            for bill in owing_now for component in COMPONENTS}
    owed = {(bill.bill_id, component): bill.components[component]
            for bill in owing_now for component in COMPONENTS}
    paid = {(line.bill_id, line.component): line.amount for line in allocation.lines}
    last = max((rank[key] for key in paid), default=None)
    for key, amount in owed.items():
        if last is not None and rank[key] < last:
            assert paid.get(key, D(0)) == amount
    if allocation.credit > 0:
        assert all(paid.get(key, D(0)) == amount for key, amount in owed.items())
