"""A loan's segment under the shipped outreach.yml: risk, value, and the plan it gets."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.loans.balance import LoanBalance
from bot.outreach.errors import StrategyError
from bot.outreach.facts import ContactCounts, History, LoanFacts
from bot.outreach.segments import Segment, segment_of
from bot.outreach.strategy import OFFERS, load_strategy
from bot.outreach.strategy_segments import parse_segments

STRATEGY = load_strategy()
PLANS = ("standard", "early_person")


def facts(days_past_due: int = 0, broken: int = 0, late: int = 0, outstanding: str = "1000",
          currency: str = "CNY") -> LoanFacts:
    zero = Decimal(0)
    balance = LoanBalance(
        loan_id="L-1001", currency=currency, principal=Decimal("6000"), overdue_principal=zero,
        overdue_interest=zero, overdue_late_fees=zero, overdue_paid=zero, overdue_amount=zero,
        days_past_due=days_past_due, oldest_unpaid_due_date=None, next_due_date=None,
        next_due_amount=zero, outstanding=Decimal(outstanding), bills_overdue=0)
    return LoanFacts(
        borrower_id="b-1", name="Wang Li", language="en", script=None, timezone="Asia/Shanghai",
        now=datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), balance=balance,
        history=History(broken, late, 3), counts=ContactCounts(0, 0, 0, 0), holds=frozenset())


def segment(**kwargs) -> str:
    return segment_of(facts(**kwargs), STRATEGY).name


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({}, "low/low"),
    ({"days_past_due": 7}, "low/low"),
    ({"days_past_due": 8}, "medium/low"),
    ({"days_past_due": 30}, "medium/low"),
    ({"days_past_due": 31}, "high/low"),
    ({"broken": 1}, "medium/low"),
    ({"broken": 2}, "high/low"),
    ({"late": 1}, "low/low"),
    ({"late": 2}, "medium/low"),
    ({"late": 9, "days_past_due": 31}, "high/low"),
])
def test_risk_on_the_boundaries(kwargs: dict, expected: str) -> None:
    assert segment(**kwargs) == expected


@pytest.mark.parametrize(("outstanding", "currency", "expected"), [
    ("4999.99", "CNY", "low"),
    ("5000.00", "CNY", "high"),
    ("699.99", "USD", "low"),
    ("700", "USD", "high"),
    ("19999", "TWD", "low"),
    ("20000", "TWD", "high"),
    ("1000000", "JPY", "low"),  # no threshold for the currency
])
def test_value_from_the_currency_s_threshold(outstanding: str, currency: str, expected: str) -> None:
    assert segment_of(facts(outstanding=outstanding, currency=currency), STRATEGY).value == expected


def test_a_high_value_low_risk_borrower_is_offered_instalments_early() -> None:
    expected = Segment("low", "high", "standard", "instalments")
    assert segment_of(facts(outstanding="5000"), STRATEGY) == expected


def test_high_risk_gets_a_person_earlier_whatever_the_value() -> None:
    expected = Segment("high", "low", "early_person", "person")
    assert segment_of(facts(days_past_due=31), STRATEGY) == expected
    assert segment_of(facts(days_past_due=31, outstanding="9000"), STRATEGY) \
        == Segment("high", "high", "early_person", "person")


def test_the_rest_get_the_standard_plan_leading_with_pay_now() -> None:
    assert segment_of(facts(), STRATEGY) == Segment("low", "low", "standard", "pay_now")
    assert segment_of(facts(days_past_due=8, outstanding="9000"), STRATEGY) \
        == Segment("medium", "high", "standard", "pay_now")


def rules(plans: dict):
    raw = {"risk": [{"name": "low"}], "value": {"high_from": {"CNY": "5000"}}, "plans": plans}
    return parse_segments(raw, "outreach.yml: segments", plans=PLANS, offers=OFFERS)


def test_the_most_specific_pattern_wins_whatever_the_order() -> None:
    table = rules({
        "*/*": {"plan": "standard", "first_offer": "pay_now"},
        "*/high": {"plan": "standard", "first_offer": "pay_later"},
        "medium/*": {"plan": "early_person", "first_offer": "person"},
        "medium/high": {"plan": "standard", "first_offer": "instalments"},
    })
    assert table.plan_for("medium", "high").first_offer == "instalments"  # exact beats both
    assert table.plan_for("medium", "low").first_offer == "person"
    assert table.plan_for("low", "high").first_offer == "pay_later"
    assert table.plan_for("high", "low").first_offer == "pay_now"


def test_two_equally_specific_patterns_must_be_settled_in_the_file() -> None:
    with pytest.raises(StrategyError, match=r"^outreach.yml: segments.plans: medium/\* and \*/high both fit "
                                            r"medium/high; add medium/high to say which$"):
        rules({"*/*": {"plan": "standard", "first_offer": "pay_now"},
               "medium/*": {"plan": "standard", "first_offer": "pay_now"},
               "*/high": {"plan": "standard", "first_offer": "pay_now"}})


def test_every_segment_needs_a_plan() -> None:
    with pytest.raises(StrategyError, match=r'^outreach.yml: segments.plans: no plan for low/low; add one, '
                                            r'or "\*/\*" for the rest$'):
        rules({"high/*": {"plan": "standard", "first_offer": "pay_now"}})
