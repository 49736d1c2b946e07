"""bot/arrangements/kinds/: exact schedules, terms as JSON at the edge and back, and the checks
of the values a borrower or an agent gives for each kind's fields."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.arrangements.kinds import DEFERRAL, INSTALMENT_PLAN, KINDS, PROMISE_TO_PAY, Situation, kind_of
from bot.arrangements.kinds.instalment_plan import add_months, instalment_schedule, plan_terms
from bot.arrangements.kinds.promise import PromiseTerms
from bot.arrangements.policy import load_policy
from bot.jsonable import jsonable
from bot.loans.balance import BillLine, loan_balance
from bot.money import quantum

D = Decimal
TODAY = date(2026, 11, 23)
CNY = load_policy().for_currency("CNY")
OWED = D("1095.00")


def with_rules(policy, section: str, **changes):
    """The policy with some rules of one section changed."""
    return replace(policy, sections={**policy.sections,
                                     section: replace(policy.sections[section], **changes)})


def where(policy=CNY, owed: Decimal = OWED) -> Situation:
    """A CNY loan with `owed` overdue since ten days ago, today, and the policy."""
    bills = [BillLine(TODAY - timedelta(days=10), owed, D(0), D(0), D(0)),
             BillLine(TODAY + timedelta(days=20), D("1050.00"), D(0), D(0), D(0))]
    return Situation(loan_balance("L-1", "CNY", D("3000.00"), bills, TODAY), TODAY, policy)


def problem(kind, name: str, raw, situation: Situation | None = None):
    """Why the kind refuses `raw` for its field `name`, with details as the API shows them."""
    invalid = kind.check(kind.field(name), raw, situation or where())[1]
    return None if invalid is None else replace(invalid, details=jsonable(invalid.details))


def amounts(total: str, currency: str, count: int) -> list[str]:
    return [str(item.amount) for item in instalment_schedule(D(total), currency, count, TODAY)]


@pytest.mark.parametrize("total, currency, count, expected", [
    ("100.00", "CNY", 3, ["33.33", "33.33", "33.34"]),
    ("1000.00", "CNY", 6, ["166.66"] * 5 + ["166.70"]),
    ("1095.00", "USD", 3, ["365.00"] * 3),
    ("0.03", "USD", 3, ["0.01"] * 3),
    ("10000", "JPY", 3, ["3333", "3333", "3334"]),
    ("100", "JPY", 12, ["8"] * 11 + ["12"]),
    ("2145.00", "CNY", 12, ["178.75"] * 12),
])
def test_equal_instalments_the_last_absorbing_the_rounding(total, currency, count, expected):
    assert amounts(total, currency, count) == expected
    assert sum(D(amount) for amount in expected) == D(total)


@pytest.mark.parametrize("currency", ["CNY", "USD", "JPY", "KWD"])
@pytest.mark.parametrize("count", [2, 3, 6, 7, 12, 36])
def test_instalments_always_add_up_exactly(currency, count):
    unit = quantum(currency)
    for units in [count, count + 1, 997, 100_003, 3_185_00, 10**12 + 7]:
        total = units * unit
        schedule = instalment_schedule(total, currency, count, TODAY)
        first = schedule[0].amount
        assert len(schedule) == count
        assert sum(item.amount for item in schedule) == total
        assert all(item.amount == first for item in schedule[:-1])
        assert first <= schedule[-1].amount < first + count * unit
        assert all(item.amount == item.amount.quantize(unit) for item in schedule)


@pytest.mark.parametrize("first, expected", [
    (date(2027, 1, 31), ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30"]),
    (date(2028, 1, 31), ["2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31", "2028-06-30"]),
    (date(2027, 1, 29), ["2027-01-29", "2027-02-28", "2027-03-29", "2027-04-29", "2027-05-29", "2027-06-29"]),
    (date(2028, 2, 29), ["2028-02-29", "2028-03-29", "2028-04-29", "2028-05-29", "2028-06-29", "2028-07-29"]),
    (date(2026, 11, 30),
     ["2026-11-30", "2026-12-30", "2027-01-30", "2027-02-28", "2027-03-30", "2027-04-30"]),
])
def test_monthly_on_the_first_date_s_day_or_the_month_s_last(first, expected):
    schedule = instalment_schedule(D("600.00"), "CNY", 6, first)
    assert [item.due_date.isoformat() for item in schedule] == expected


def test_twelve_months_cross_the_year():
    assert add_months(date(2026, 12, 15), 11) == date(2027, 11, 15)
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)


@pytest.mark.parametrize("total, currency, count", [
    ("0.02", "CNY", 3),      # a share of less than a cent
    ("0", "CNY", 3),
    ("-100.00", "CNY", 3),
    ("100.005", "CNY", 3),   # not a whole number of cents
    ("100.00", "CNY", 0),
    ("100.5", "JPY", 3),
])
def test_impossible_schedules_are_refused(total, currency, count):
    with pytest.raises(ValueError):
        instalment_schedule(D(total), currency, count, TODAY)


def test_plan_terms_as_json():
    terms = plan_terms(D("100.00"), "CNY", 3, date(2027, 1, 31))
    as_json = INSTALMENT_PLAN.to_json(terms)
    assert json.loads(json.dumps(as_json)) == as_json == {
        "total": "100.00", "currency": "CNY", "count": 3, "first_due_date": "2027-01-31",
        "interval": "monthly",
        "instalments": [
            {"due_date": "2027-01-31", "amount": "33.33"},
            {"due_date": "2027-02-28", "amount": "33.33"},
            {"due_date": "2027-03-31", "amount": "33.34"},
        ],
    }
    assert INSTALMENT_PLAN.from_json(as_json) == terms


def deferral(days: int, policy=CNY):
    bills = [BillLine(date(2026, 10, 15), D("1000.00"), D("60.00"), D("35.00"), D("0")),
             BillLine(date(2026, 12, 15), D("1000.00"), D("40.00"), D("0"), D("0"))]
    balance = loan_balance("L-1", "CNY", D("2000.00"), bills, TODAY)
    return DEFERRAL.to_json(DEFERRAL.terms({"days": days}, Situation(balance, TODAY, policy)))


def test_deferral_terms_move_the_overdue_amount():
    assert json.loads(json.dumps(deferral(14))) == deferral(14) == {
        "days": 14, "new_due_date": "2026-12-07", "amount": "1095.00", "currency": "CNY",
        "fee": "0.00", "late_fees_frozen": True,
    }
    unfrozen = with_rules(CNY, "deferral", freeze_late_fees=False, fee=D("20"))
    assert deferral(30, unfrozen)["late_fees_frozen"] is False
    assert deferral(30, unfrozen)["fee"] == "20.00"
    assert deferral(30, unfrozen)["new_due_date"] == "2026-12-23"


def test_promise_terms():
    terms = PROMISE_TO_PAY.terms({"amount": D("500"), "date": date(2026, 11, 27)}, where())
    assert PROMISE_TO_PAY.to_json(terms) == {"amount": "500.00", "date": "2026-11-27", "currency": "CNY"}
    assert PROMISE_TO_PAY.to_json(PromiseTerms(D("500"), date(2026, 11, 27), "JPY"))["amount"] == "500"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_reads_back_what_it_writes_and_is_known_by_its_terms(kind):
    values = {"days": 14, "count": 6, "first_due_date": TODAY, "amount": D("500.00"), "date": TODAY}
    terms = kind.terms({f.name: values[f.name] for f in kind.fields}, where())
    assert kind.from_json(json.loads(json.dumps(kind.to_json(terms)))) == terms
    assert kind_of(terms) is kind
    assert sum(due.amount for due in kind.schedule(terms)) in (OWED, D("500.00"))


def reason(found):
    return None if found is None else found.reason


@pytest.mark.parametrize("days, expected", [
    (0, "out_of_range"), (1, None), (14, None), (30, None), (31, "out_of_range"), (-3, "out_of_range"),
    ("14", None), (" 30 ", None), ("31", "out_of_range"), ("two weeks", "not_a_number"),
    ("1.5", "not_a_number"), (True, "not_a_number"), ("9" * 5000, "out_of_range"),
    (D("1" + "0" * 30), "out_of_range"), (D("14"), None),
])
def test_deferral_days(days, expected):
    found = problem(DEFERRAL, "days", days)
    assert reason(found) == expected
    if found:
        assert found.details == {"min": 1, "max": 30}


@pytest.mark.parametrize("count, expected", [
    (3, None), (6, None), (12, None), ("6", None), (4, "not_offered"), (24, "not_offered"),
    (1, "not_offered"), ("six", "not_a_number"), ("6" * 5000, "not_offered"),
])
def test_instalment_count(count, expected):
    found = problem(INSTALMENT_PLAN, "count", count)
    assert reason(found) == expected
    if found:
        assert found.details == {"counts": [3, 6, 12]}


@pytest.mark.parametrize("offset, expected", [
    (-1, "in_past"), (0, None), (7, None), (8, "too_late"), (60, "too_late"),
])
def test_first_date(offset, expected):
    found = problem(INSTALMENT_PLAN, "first_due_date", TODAY + timedelta(days=offset))
    assert reason(found) == expected
    if found:
        assert found.details == {"first_date": "2026-11-23", "last_date": "2026-11-30"}
    as_text = (TODAY + timedelta(days=offset)).isoformat()
    assert reason(problem(INSTALMENT_PLAN, "first_due_date", as_text)) == expected


def test_first_date_that_is_not_a_date():
    assert reason(problem(INSTALMENT_PLAN, "first_due_date", "next-ish")) == "not_a_date"
    assert reason(problem(INSTALMENT_PLAN, "first_due_date", "2026-02-30")) == "not_a_date"


@pytest.mark.parametrize("amount, offset, expected", [
    ("500", 4, None),
    ("1095.00", 0, None),
    (D("1095"), 14, None),
    ("0", 4, "amount_not_positive"),
    ("-5", 4, "amount_not_positive"),
    ("1095.01", 4, "amount_above_owed"),
    ("5000", 4, "amount_above_owed"),
    ("500", -1, "in_past"),
    ("500", 15, "beyond_horizon"),
    ("0", 15, "amount_not_positive"),  # the amount is re-asked first
    ("12.345", 4, "not_an_amount"),
    ("lots", 4, "not_an_amount"),
    (500.0, 4, "not_an_amount"),       # floats are never money
    ("1" * 27, 4, "not_an_amount"),   # more than any money column holds
    (D(10) ** 30, 4, "not_an_amount"),
])
def test_promise(amount, offset, expected):
    found = problem(PROMISE_TO_PAY, "amount", amount) or problem(
        PROMISE_TO_PAY, "date", TODAY + timedelta(days=offset))
    assert reason(found) == expected
    if found:
        assert found.details.get("owed", "1095.00") == "1095.00"
    if expected == "beyond_horizon":
        assert found.details["last_date"] == "2026-12-07"


def test_promise_date_as_text():
    assert problem(PROMISE_TO_PAY, "date", "2026-11-25") is None
    assert reason(problem(PROMISE_TO_PAY, "date", "Friday")) == "not_a_date"


def test_partial_promises_when_the_policy_refuses_them():
    strict = where(with_rules(CNY, "promise", allow_partial=False))
    assert reason(problem(PROMISE_TO_PAY, "amount", "500", strict)) == "partial_not_allowed"
    assert problem(PROMISE_TO_PAY, "amount", "1095.00", strict) is None


def test_a_promise_date_is_checked_on_its_own_before_the_amount_is_known():
    # The form may hear the date first: partial-payment rules must not judge a missing amount.
    strict = where(with_rules(CNY, "promise", allow_partial=False))
    assert problem(PROMISE_TO_PAY, "date", TODAY + timedelta(days=3), strict) is None
    assert reason(problem(PROMISE_TO_PAY, "date", TODAY - timedelta(days=1), strict)) == "in_past"
    assert reason(problem(PROMISE_TO_PAY, "amount", "500", strict)) == "partial_not_allowed"


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_is_named_once_for_every_layer(kind):
    from bot.values.extract import ENTITIES

    for field in kind.fields:
        assert field.entity in ENTITIES and field.sort in ("whole", "date", "money")
        assert field.slot and field.label and field.name not in field.aliases
    slots = [f.slot for k in KINDS for f in k.fields]
    assert len(slots) == len(set(slots))


# --- what a question offers, and how another entity fills a field ------------------------------


def test_each_field_offers_choices_the_policy_allows_the_last_being_the_most():
    plan, deferral, promise = INSTALMENT_PLAN, DEFERRAL, PROMISE_TO_PAY
    assert deferral.choices(deferral.field("days"), where()) == (7, 14, 30)
    assert plan.choices(plan.field("count"), where()) == (3, 6, 12)
    assert plan.choices(plan.field("first_due_date"), where()) == (TODAY + timedelta(days=3),
                                                                   TODAY + timedelta(days=7))
    assert promise.choices(promise.field("date"), where()) == tuple(
        TODAY + timedelta(days=n) for n in (3, 7, 14))
    assert promise.choices(promise.field("amount"), where()) == (OWED,)
    for kind in KINDS:
        for field in kind.fields:
            assert all(kind.check(field, value, where())[1] is None for value in kind.choices(field, where()))


def test_a_short_window_offers_what_fits_in_it():
    narrow = with_rules(CNY, "promise", horizon_days=1)
    assert PROMISE_TO_PAY.choices(PROMISE_TO_PAY.field("date"), where(narrow)) == (TODAY + timedelta(days=1),)
    short = with_rules(CNY, "deferral", max_days=10)
    assert DEFERRAL.choices(DEFERRAL.field("days"), where(short)) == (7, 10)


def test_a_date_gives_a_deferral_its_days_from_today():
    days = DEFERRAL.field("days")
    assert days.entities == ("duration_days", "date")
    assert days.raw("date", (TODAY + timedelta(days=20)).isoformat(), TODAY) == 20
    assert days.raw("duration_days", "14", TODAY) == "14"
    assert days.raw("date", "not a date", TODAY) is None


def test_questions_of_when_are_those_a_date_answers():
    whens = [f.name for kind in KINDS for f in kind.fields if f.is_a_when]
    assert whens == ["days", "first_due_date", "date"]


def test_a_suggestion_of_days_is_shown_with_the_date_it_leads_to():
    days = DEFERRAL.field("days")
    assert DEFERRAL.about(days, 30, where()) == {"value": 30, "date": TODAY + timedelta(days=30)}
    assert PROMISE_TO_PAY.about(PROMISE_TO_PAY.field("amount"), OWED, where()) == {"value": OWED}
