"""Each kind's eligibility (bot/arrangements/kinds/, on the shared rules of
bot/arrangements/eligibility.py): which arrangement may be offered, and why not. Details are
compared as the API and the replies' JSON edge shows them."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from bot.arrangements.eligibility import ArrangementRecord
from bot.arrangements.kinds import DEFERRAL, INSTALMENT_PLAN, PROMISE_TO_PAY
from bot.arrangements.policy import load_policy
from bot.jsonable import jsonable
from bot.loans.balance import BillLine, loan_balance

D = Decimal
TODAY = date(2026, 11, 23)
BOOK = load_policy()
check_deferral, check_instalment_plan, check_promise = (
    DEFERRAL.eligibility, INSTALMENT_PLAN.eligibility, PROMISE_TO_PAY.eligibility)
CHECKS = [check_deferral, check_instalment_plan, check_promise]


def balance(overdue: str = "1095.00", days: int = 10, currency: str = "CNY", upcoming: str = "1050.00"):
    """A loan with `overdue` unpaid since `days` days ago (nothing overdue if days == 0)."""
    bills = [BillLine(TODAY + timedelta(days=30), D(upcoming), D(0), D(0), D(0))]
    if days:
        bills.append(BillLine(TODAY - timedelta(days=days), D(overdue), D(0), D(0), D(0)))
    return loan_balance("L-1", currency, D("3000.00"), bills, TODAY)


def record(type: str, status: str, days_ago: int) -> ArrangementRecord:
    created = datetime.combine(TODAY - timedelta(days=days_ago), time(9), tzinfo=timezone.utc)
    return ArrangementRecord(type, status, created)


def check(function, bal=None, history=(), currency="CNY", **kw):
    result = function(bal or balance(currency=currency), list(history), BOOK.for_currency(currency), TODAY,
                      **kw)
    return replace(result, details=jsonable(result.details))


@pytest.mark.parametrize("days, ok", [(1, True), (30, True), (31, False), (120, False)])
def test_deferral_up_to_30_days_past_due(days, ok):
    result = check(check_deferral, balance(days=days))
    assert result.ok is ok
    if not ok:
        assert result.reason == "too_far_past_due"
        assert result.details == {"days_past_due": days, "max_days_past_due": 30}


@pytest.mark.parametrize("days, ok", [(1, True), (31, True), (90, True), (91, False)])
def test_instalment_plan_up_to_90_days_past_due(days, ok):
    result = check(check_instalment_plan, balance(days=days))
    assert (result.ok, result.reason) == (ok, None if ok else "too_far_past_due")


@pytest.mark.parametrize("function", [check_deferral, check_instalment_plan])
def test_deferral_and_plan_need_something_overdue(function):
    result = check(function, balance(days=0))
    assert (result.ok, result.reason) == (False, "not_overdue")


@pytest.mark.parametrize("days_ago, ok", [(0, False), (100, False), (179, False), (180, True), (400, True)])
def test_one_deferral_in_180_days(days_ago, ok):
    result = check(check_deferral, history=[record("deferral", "kept", days_ago)])
    assert (result.ok, result.reason) == (ok, None if ok else "recent_deferral")
    if not ok:
        last = TODAY - timedelta(days=days_ago)
        assert result.details == {"last_deferral_on": last.isoformat(),
                                  "next_allowed_on": (last + timedelta(days=180)).isoformat()}


def test_the_latest_deferral_counts():
    history = [record("deferral", "kept", 400), record("deferral", "broken", 10)]
    assert check(check_deferral, history=history).reason == "recent_deferral"


def test_cancelled_deferrals_and_other_arrangements_do_not_count():
    history = [record("deferral", "cancelled", 10), record("promise_to_pay", "kept", 5),
               record("instalment_plan", "broken", 20)]
    assert check(check_deferral, history=history).ok


@pytest.mark.parametrize("currency, overdue, ok, reason", [
    ("CNY", "299.99", False, "below_minimum"),
    ("CNY", "300.00", True, None),
    ("USD", "49.99", False, "below_minimum"),
    ("USD", "50.00", True, None),
    ("TWD", "1499.00", False, "below_minimum"),
    ("TWD", "1500.00", True, None),
    ("EUR", "5000.00", False, "no_minimum_configured"),
    ("JPY", "50000", False, "no_minimum_configured"),
])
def test_plan_minimum_overdue_per_currency(currency, overdue, ok, reason):
    result = check(check_instalment_plan, balance(overdue=overdue, currency=currency), currency=currency)
    assert (result.ok, result.reason) == (ok, reason)
    if reason == "below_minimum":
        assert result.details["overdue"] == overdue and result.details["currency"] == currency


def test_no_minimum_configured_even_when_nothing_is_overdue():
    # The plan is simply not on offer in that currency, whatever the loan.
    result = check(check_instalment_plan, balance(days=0, currency="EUR"), currency="EUR")
    assert result.reason == "no_minimum_configured"


def test_other_arrangements_in_a_currency_without_a_minimum():
    assert check(check_deferral, balance(currency="EUR"), currency="EUR").ok
    assert check(check_promise, balance(currency="EUR"), currency="EUR").ok


@pytest.mark.parametrize("function", CHECKS)
@pytest.mark.parametrize("active_type", ["deferral", "instalment_plan", "promise_to_pay"])
def test_one_active_arrangement_per_loan(function, active_type):
    history = [record("promise_to_pay", "kept", 300), record(active_type, "active", 2)]
    result = check(function, history=history)
    assert (result.ok, result.reason, result.details) == (False, "active_arrangement", {"type": active_type})


@pytest.mark.parametrize("function", CHECKS)
def test_collection_hold_comes_first(function):
    result = check(function, balance(days=200), history=[record("deferral", "active", 2)], on_hold=True)
    assert (result.ok, result.reason) == (False, "collection_hold")


def test_what_an_offer_may_quote():
    assert check(check_deferral).details == {
        "amount": "1095.00", "currency": "CNY", "max_days": 30, "last_due_date": "2026-12-23", "fee": "0.00"}
    assert check(check_instalment_plan).details == {
        "total": "1095.00", "currency": "CNY", "counts": [3, 6, 12], "last_first_date": "2026-11-30"}
    assert check(check_promise).details == {
        "owed": "1095.00", "currency": "CNY", "allow_partial": True, "last_date": "2026-12-07"}


def test_a_promise_before_anything_is_overdue_is_about_the_next_bill():
    result = check(check_promise, balance(days=0, upcoming="1050.00"))
    assert result.ok and result.details["owed"] == "1050.00"


def test_a_promise_needs_something_owed():
    paid_up = loan_balance("L-1", "CNY", D("3000.00"), [], TODAY)
    assert (check(check_promise, paid_up).ok, check(check_promise, paid_up).reason) == (False, "nothing_owed")


def test_promises_are_not_limited_by_days_past_due():
    assert check(check_promise, balance(days=400)).ok
