"""Every KPI of November 2026 on the hand-built portfolio (tests/kpis/portfolio.py), on SQLite
and PostgreSQL, each figure with the arithmetic that gives it."""
from __future__ import annotations

from decimal import Decimal

import pytest

from bot.gateway.agent.kpis import report_json
from bot.kpis.period import Period, PeriodError
from bot.kpis.report import kpi_report
from tests.kpis.portfolio import build

NOVEMBER = Period.parse("2026-11-01", "2026-11-30")


@pytest.fixture
def portfolio(database):
    build(database)
    return database


def figures(database, group_by=None) -> dict:
    with database.transaction() as session:
        return report_json(kpi_report(session, NOVEMBER, group_by))


def test_money_overdue_at_the_start_and_recovered_in_the_period(portfolio):
    report = figures(portfolio)
    # CNY overdue at Nov 1: L-k1 310 + L-k2 (500 − 100 paid in October) 400 + L-k5 1000 = 1710;
    # recovered in November toward it: 310 + 150 = 460 (L-k4's 100 paid a bill due in November,
    # L-k5's 1000 came in December); 460 / 1710 = 0.2690.
    assert report["currencies"]["CNY"] == {"overdue_at_start": "1710.00", "recovered": "460.00",
                                           "recovery_rate": 0.269}
    assert report["currencies"]["USD"] == {"overdue_at_start": "200.00", "recovered": "0.00",
                                           "recovery_rate": 0.0}
    assert isinstance(Decimal(report["currencies"]["CNY"]["recovered"]), Decimal)


def test_cure_and_roll_by_bucket(portfolio):
    buckets = figures(portfolio)["buckets"]
    # 1-30 at the start: L-k1 (cured: paid in full) and L-k5 (31 days late by Dec 1: rolled).
    assert buckets["1-30"] == {"loans": 2, "cured": 1, "rolled": 1, "cure_rate": 0.5, "roll_rate": 0.5}
    # 31-60: L-k2, still 250 unpaid on a bill 67 days late by Dec 1.
    assert buckets["31-60"] == {"loans": 1, "cured": 0, "rolled": 1, "cure_rate": 0.0, "roll_rate": 1.0}
    assert buckets["61-90"] == {"loans": 0, "cured": 0, "rolled": 0, "cure_rate": None, "roll_rate": None}
    assert buckets["90+"] == {"loans": 1, "cured": 0, "rolled": 0, "cure_rate": 0.0, "roll_rate": 0.0}


def test_conversations_containment_and_handoffs(portfolio):
    report = figures(portfolio)
    # The borrower wrote in 3 conversations in November (b-k3's was in October; b-k4 never
    # answered its reminder); only b-k1's ended with no person.
    assert (report["conversations"], report["contained"], report["containment_rate"]) == (3, 1, 0.3333)
    assert report["handoffs"] == {"complaint": 1, "human_requested": 1} and report["handoffs_total"] == 2
    # The agents' first answers came after 5 and 20 minutes: median (nearest rank) 300 s, p90 1200 s.
    assert report["first_answer_seconds"] == {"answered": 2, "unanswered": 0, "median": 300.0, "p90": 1200.0}


def test_promises_and_arrangements(portfolio):
    report = figures(portfolio)
    assert report["promises"] == {"made": 2, "kept": 1, "broken": 1, "active": 0, "cancelled": 0,
                                  "kept_rate": 0.5}
    # The October deferral is not November's.
    assert report["arrangements"] == {"instalment_plan": 1, "promise_to_pay": 2}


def test_complaints_opt_outs_and_outreach(portfolio):
    report = figures(portfolio)
    # Reached in November: b-k4 and b-k5 by outreach, b-k1, b-k2 and b-k5 by writing = 4.
    # One complained (b-k2); one opted out in November (b-k5; b-k3 did in October).
    assert report["borrowers_reached"] == 4
    assert (report["complaint_rate"], report["opt_out_rate"]) == (0.25, 0.25)
    assert report["outreach"] == {"sent": 2, "suppressed": {"opted_out": 1, "quiet_hours": 1},
                                  "suppressed_total": 2}


def test_by_segment_each_loan_counts_in_its_first_contacts_segment(portfolio):
    report = figures(portfolio, "segment")
    groups = {group["group"]: group for group in report["groups"]}
    assert set(groups) == {"low/high", "low/low", "medium/low", "high/low", "not contacted"}
    five = groups["low/high"]  # L-k5, first reached by the D+1 message
    assert five["currencies"]["CNY"]["overdue_at_start"] == "1000.00"
    assert (five["conversations"], five["contained"], five["handoffs"]) == (1, 0, {"human_requested": 1})
    assert (five["borrowers_reached"], five["opt_out_rate"]) == (1, 1.0)
    assert five["arrangements"] == {"instalment_plan": 1} and five["buckets"]["1-30"]["rolled"] == 1
    rest = groups["not contacted"]  # L-k1 (its D+7 was in October), L-k2, L-k3
    assert rest["currencies"]["CNY"] == {"overdue_at_start": "710.00", "recovered": "460.00",
                                         "recovery_rate": 0.6479}
    assert (rest["conversations"], rest["complaint_rate"]) == (2, 0.5)
    # A held-back contact counts in its own segment's outreach, and nowhere else.
    assert groups["medium/low"]["outreach"] == {"sent": 0, "suppressed": {"quiet_hours": 1},
                                                "suppressed_total": 1}
    assert groups["medium/low"]["currencies"] == {}
    # The whole portfolio is at the top level, as without group_by.
    assert report["currencies"] == figures(portfolio)["currencies"]


def test_by_stage_variant_and_language(portfolio):
    stages = {g["group"]: g for g in figures(portfolio, "stage")["groups"]}
    assert stages["D+1"]["outreach"]["sent"] == 1 and stages["D-3"]["outreach"]["sent"] == 1
    variants = {g["group"] for g in figures(portfolio, "variant")["groups"]}
    assert {"D+1/challenger", "D-3/champion", "not contacted"} <= variants
    languages = {g["group"]: g for g in figures(portfolio, "language")["groups"]}
    assert languages["hans"]["currencies"]["CNY"]["overdue_at_start"] == "1000.00"  # b-k5 writes Chinese
    assert languages["en"]["conversations"] == 2


@pytest.mark.parametrize("group_by", ["segment", "stage", "variant", "language"])
def test_a_grouped_reports_whole_portfolio_is_the_ungrouped_report(portfolio, group_by):
    # The grouped total is added up from the groups (each loan and borrower is in one): it must
    # be every figure of the report without groups, the first-answer times included.
    whole = figures(portfolio)
    grouped = figures(portfolio, group_by)
    assert {key: value for key, value in grouped.items() if key not in ("groups", "group_by")} == \
        {key: value for key, value in whole.items() if key not in ("groups", "group_by")}


def test_a_period_with_nothing_in_it_has_no_rates_rather_than_zeros(portfolio):
    with portfolio.transaction() as session:
        report = report_json(kpi_report(session, Period.parse("2020-01-01", "2020-01-31"), None))
    assert (report["conversations"], report["containment_rate"], report["complaint_rate"]) == (0, None, None)
    assert report["currencies"] == {} and report["groups"][0]["group"] == "all"


@pytest.mark.parametrize(("first", "last", "why"), [
    ("2026-11-31", "2026-12-01", "not a date that exists"), (None, "2026-12-01", "`from` is missing"),
    ("2026-12-02", "2026-12-01", "before `from`"), ("2020-01-01", "2026-01-01", "at most 731"),
    ("1 Nov", "2026-12-01", "not a date"),
])
def test_a_period_that_cannot_be_is_refused_with_the_reason(first, last, why):
    with pytest.raises(PeriodError, match=why):
        Period.parse(first, last)
