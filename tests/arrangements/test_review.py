"""bot/arrangements/review.py: kept or broken from the payments table, with the grace days."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.arrangements.kinds.deferral import DeferralTerms
from bot.arrangements.kinds.instalment_plan import plan_terms
from bot.arrangements.kinds.promise import PromiseTerms
from bot.arrangements.policy import load_policy
from bot.arrangements.review import judge, review_arrangements
from bot.arrangements.service import create_arrangement
from bot.db import Database
from bot.db.models import Arrangement, AuditEvent, Borrower, Payment
from tests.builders import CONTRACT_DAY, add, wang

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
BOOK = load_policy()
GRACE = 3
MADE = date(2026, 11, 23)
PROMISE = PromiseTerms(D("500.00"), date(2026, 11, 27), "CNY")  # last day with grace: 11-30
DEFERRAL = DeferralTerms(14, date(2026, 12, 7), D("1095.00"), "CNY", D("0.00"), True)  # grace ends 12-10
PLAN = plan_terms(D("300.00"), "CNY", 3, date(2026, 11, 30))  # 100.00 on 11-30, 12-30, 01-30


def day(text: str) -> date:
    return date.fromisoformat(text)


# --- the rules, pure ---------------------------------------------------------------------------


@pytest.mark.parametrize("payments, today, expected", [
    ([], "2026-11-27", None),
    ([], "2026-11-30", None),                                        # the last day of grace
    ([], "2026-12-01", "broken"),
    ([("2026-11-25", "500.00")], "2026-11-25", "kept"),               # kept as soon as paid
    ([("2026-11-30", "500.00")], "2026-12-05", "kept"),               # paid on the last day of grace
    ([("2026-12-01", "500.00")], "2026-12-01", "broken"),             # a day too late
    ([("2026-11-24", "200.00"), ("2026-11-29", "300.00")], "2026-11-29", "kept"),
    ([("2026-11-24", "200.00"), ("2026-11-29", "299.99")], "2026-12-01", "broken"),
    ([("2026-11-24", "200.00")], "2026-11-28", None),
    ([("2026-11-24", "600.00")], "2026-11-24", "kept"),
])
def test_promise(payments, today, expected):
    lines = [(day(on), D(amount)) for on, amount in payments]
    assert judge(PROMISE, lines, GRACE, day(today)) == expected


@pytest.mark.parametrize("payments, today, expected", [
    ([], "2026-12-10", None),
    ([], "2026-12-11", "broken"),
    ([("2026-12-10", "1095.00")], "2026-12-11", "kept"),
    ([("2026-12-11", "1095.00")], "2026-12-11", "broken"),
    ([("2026-12-01", "1000.00")], "2026-12-11", "broken"),
])
def test_deferral(payments, today, expected):
    lines = [(day(on), D(amount)) for on, amount in payments]
    assert judge(DEFERRAL, lines, GRACE, day(today)) == expected


@pytest.mark.parametrize("payments, today, expected", [
    ([], "2026-12-03", None),                                         # first instalment's grace
    ([], "2026-12-04", "broken"),
    ([("2026-12-03", "100.00")], "2027-01-02", None),                 # second instalment's grace
    ([("2026-12-03", "100.00")], "2027-01-03", "broken"),
    ([("2026-11-30", "200.00")], "2027-01-03", None),                 # paid ahead: cumulative
    ([("2026-11-30", "100.00"), ("2026-12-30", "100.00"), ("2027-02-02", "100.00")], "2027-02-02", "kept"),
    ([("2026-11-30", "100.00"), ("2026-12-30", "100.00"), ("2027-02-03", "100.00")], "2027-02-03", "broken"),
    ([("2026-11-25", "300.00")], "2026-11-25", "kept"),               # all at once
    ([("2026-11-30", "99.99")], "2026-12-04", "broken"),
])
def test_plan(payments, today, expected):
    lines = [(day(on), D(amount)) for on, amount in payments]
    assert judge(PLAN, lines, GRACE, day(today)) == expected


def test_no_grace():
    assert judge(PROMISE, [], 0, day("2026-11-28")) == "broken"
    assert judge(PROMISE, [], 0, day("2026-11-27")) is None


# --- the review on real databases --------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str, hour: int = 12) -> datetime:
    """A moment of that day in the borrower's time zone (Asia/Shanghai)."""
    return datetime.combine(day(text), time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def loaded(database: Database) -> Database:
    with database.transaction() as session:
        add(session, wang(), today=CONTRACT_DAY)
    return database


def arrange(database: Database, terms) -> str:
    with database.transaction() as session:
        arrangement, _ = create_arrangement(
            session, loan_id="L-1001", terms=terms, conversation_id="c-1",
            created_by="bot", idempotency_key=None, now=at("2026-11-23", 10),
        )
        return arrangement.id


def pay(database: Database, amount: str, when: datetime, paid_at: datetime | None = None) -> None:
    """A payment row as the ledger writes one (without its allocation: the review reads
    only the payments), received `when`, paid then too unless `paid_at` says otherwise."""
    with database.transaction() as session:
        session.add(Payment(payment_id=f"w-{uuid.uuid4()}", borrower_id="b-1001", loan_id="L-1001",
                            amount=D(amount), currency="CNY", paid_at=paid_at or when, received_at=when))


def review(database: Database, today: str) -> dict:
    with database.transaction() as session:
        return review_arrangements(session, BOOK, day(today))


def state(database: Database, arrangement_id: str) -> tuple[str, str | None, list]:
    with database.transaction() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.action.like("arrangement_%"))
                                 .order_by(AuditEvent.id)).scalars().all()
        return (session.get(Arrangement, arrangement_id).status,
                session.get(Borrower, "b-1001").needs_agent_reason,
                [(event.action, event.details) for event in events if event.action != "arrangement_created"])


def test_a_kept_promise(loaded):
    promise = arrange(loaded, PROMISE)
    pay(loaded, "300.00", at("2026-11-24"))
    assert review(loaded, "2026-11-24") == {"kept": 0, "broken": 0, "active": 1}
    pay(loaded, "200.00", at("2026-11-30", 23))  # the last minute of grace, borrower's time
    assert review(loaded, "2026-12-01") == {"kept": 1, "broken": 0, "active": 0}
    status, flag, events = state(loaded, promise)
    assert (status, flag) == ("kept", None)
    assert events == [("arrangement_kept", {"arrangement_id": promise, "type": "promise_to_pay",
                                            "reviewed_on": "2026-12-01"})]
    assert review(loaded, "2026-12-02") == {"kept": 0, "broken": 0, "active": 0}  # settled once


def test_a_broken_promise_sends_the_borrower_to_a_person(loaded):
    promise = arrange(loaded, PROMISE)
    pay(loaded, "500.00", at("2026-11-22"))       # before the promise: not for it
    pay(loaded, "500.00", at("2026-12-01", 1))    # 2026-11-30 17:00 UTC: a day too late in Shanghai
    assert review(loaded, "2026-11-30") == {"kept": 0, "broken": 0, "active": 1}
    assert review(loaded, "2026-12-01") == {"kept": 0, "broken": 1, "active": 0}
    status, flag, events = state(loaded, promise)
    assert (status, flag) == ("broken", "negotiation_failed")
    assert events == [("arrangement_broken", {"arrangement_id": promise, "type": "promise_to_pay",
                                              "reviewed_on": "2026-12-01",
                                              "needs_agent_reason": "negotiation_failed"})]
    with loaded.transaction() as session:
        [event] = session.execute(
            select(AuditEvent).where(AuditEvent.action == "arrangement_broken")).scalars()
        assert (event.actor, event.borrower_id, event.loan_id, event.conversation_id) == (
            "system", "b-1001", "L-1001", "c-1")


def test_a_broken_plan_flags_the_borrower(loaded):
    plan = arrange(loaded, PLAN)
    pay(loaded, "100.00", at("2026-11-30"))
    assert review(loaded, "2027-01-02") == {"kept": 0, "broken": 0, "active": 1}
    assert review(loaded, "2027-01-03") == {"kept": 0, "broken": 1, "active": 0}
    assert state(loaded, plan)[:2] == ("broken", "negotiation_failed")


def test_a_kept_plan(loaded):
    plan = arrange(loaded, PLAN)
    for when in ["2026-11-30", "2026-12-29", "2027-02-01"]:
        pay(loaded, "100.00", at(when))
    assert review(loaded, "2027-02-01") == {"kept": 1, "broken": 0, "active": 0}
    assert state(loaded, plan)[:2] == ("kept", None)


def test_deferrals_kept_and_broken_flag_no_one(loaded):
    deferral = arrange(loaded, DEFERRAL)
    pay(loaded, "1000.00", at("2026-12-05"))
    assert review(loaded, "2026-12-10") == {"kept": 0, "broken": 0, "active": 1}
    assert review(loaded, "2026-12-11") == {"kept": 0, "broken": 1, "active": 0}
    assert state(loaded, deferral)[:2] == ("broken", None)
    kept = arrange(loaded, replace(DEFERRAL, new_due_date=date(2026, 12, 25)))
    with loaded.transaction() as session:
        session.get(Arrangement, kept).created_at = at("2026-12-11")
    pay(loaded, "1095.00", at("2026-12-12"))  # the earlier 1000.00 was for the first one
    assert review(loaded, "2026-12-12") == {"kept": 1, "broken": 0, "active": 0}
    assert state(loaded, kept)[:2] == ("kept", None)


def test_a_payment_counts_on_the_day_it_was_paid_not_the_day_it_was_reported(loaded):
    promise = arrange(loaded, PROMISE)
    pay(loaded, "500.00", at("2026-12-02"), paid_at=at("2026-11-29"))  # reported late, paid in time
    assert review(loaded, "2026-12-02") == {"kept": 1, "broken": 0, "active": 0}
    assert state(loaded, promise)[:2] == ("kept", None)


def test_a_payment_received_before_the_arrangement_is_not_for_it(loaded):
    arrange(loaded, PROMISE)  # at 2026-11-23 10:00, Shanghai
    pay(loaded, "500.00", at("2026-11-23", 9), paid_at=at("2026-11-23", 9))
    assert review(loaded, "2026-11-23") == {"kept": 0, "broken": 0, "active": 1}


def test_a_review_as_of_a_past_day_ignores_later_payments(loaded):
    arrange(loaded, PROMISE)
    pay(loaded, "500.00", at("2026-11-29"))
    assert review(loaded, "2026-11-28") == {"kept": 0, "broken": 0, "active": 1}


def test_the_command(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        add(session, wang(), today=CONTRACT_DAY)
    arrange(database, PROMISE)
    database.dispose()
    environment = {**os.environ, "DATABASE_URL": url}
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "bot", "arrangements", "review", *args], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120)
    first = run("--today", "2026-11-30")
    assert (first.returncode, first.stdout.strip()) == (
        0, "arrangements reviewed: 0 kept, 0 broken, 1 still active")
    second = run("--today", "2026-12-01")
    assert (second.returncode, second.stdout.strip()) == (
        0, "arrangements reviewed: 0 kept, 1 broken, 0 still active")
    bad = run("--today", "tomorrow")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    broken_policy = tmp_path / "policy.yml"
    broken_policy.write_text("defaults: {}\n", encoding="utf-8")
    environment["BOT_POLICY_FILE"] = str(broken_policy)
    refused = run()
    assert refused.returncode == 1 and "policy.yml: defaults.deferral: missing" in refused.stderr
