"""`python -m bot demo portfolio`: a made-up portfolio on real databases (SQLite and PostgreSQL),
checked by query for what the real code relies on, and read by the real code."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from bot.arrangements.kinds import kind_named
from bot.arrangements.policy import load_policy
from bot.arrangements.review import review_arrangements
from bot.clock import zone
from bot.db import Database
from bot.db.models import (
    Arrangement,
    ArrangementBill,
    AuditEvent,
    Bill,
    Borrower,
    Conversation,
    Handoff,
    Loan,
    Message,
    OutreachContact,
    Payment,
    PaymentAllocation,
)
from bot.demo.command import run
from bot.demo.conversations import Chat
from bot.demo.history import BorrowerRun
from bot.demo.rows import TABLES, Ids
from bot.demo.world import World
from bot.loans.accounts import load_account
from bot.outreach.run import run_pass
from bot.outreach.strategy import load_strategy

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.utc)
BORROWERS, DAYS, SEED = 300, 365, 11
MODELS = (Borrower, Loan, Bill, Conversation, Message, Payment, PaymentAllocation, Arrangement,
          ArrangementBill, Handoff, OutreachContact, AuditEvent)
NUMBERED_BY_THE_DATABASE = {Payment, PaymentAllocation, OutreachContact, AuditEvent}  # ids in insertion order


def upgraded(url: str) -> Database:
    database = Database(url)
    database.upgrade()
    return database


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Database:
    """One portfolio on SQLite, read by the invariant tests (none of them writes)."""
    database = upgraded(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'portfolio.sqlite3'}")
    assert run(database, BORROWERS, DAYS, SEED, replace=False, now=NOW, batch=120) == 0
    yield database
    database.dispose()


def rows(database: Database, model) -> list:
    with database.transaction() as session:
        return list(session.execute(select(model)).scalars())


def dump(database: Database) -> dict[str, list[tuple]]:
    """Every table's rows as sorted tuples (without the ids the database numbers itself)."""
    found = {}
    with database.transaction() as session:
        for model in MODELS:
            columns = [c for c in inspect(model).columns
                       if not (c.name == "id" and model in NUMBERED_BY_THE_DATABASE)]
            found[model.__tablename__] = sorted(
                tuple(json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value
                      for value in row)
                for row in session.execute(select(*columns)))
    return found


def counts(database: Database) -> dict[str, int]:
    with database.transaction() as session:
        return {model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()
                for model in MODELS}


def local_day(moment: datetime, timezone_name: str) -> date:
    return moment.astimezone(zone(timezone_name)).date()


# --- the same seed, the same portfolio ----------------------------------------------------------


def test_the_same_seed_writes_the_same_rows_whatever_the_batches_and_another_seed_others(sqlite_database,
                                                                                           tmp_path):
    again, other = (upgraded(f"sqlite:///{tmp_path / name}") for name in ("again.sqlite3", "other.sqlite3"))
    assert run(sqlite_database, 40, 120, 5, replace=False, now=NOW, batch=15) == 0
    assert run(again, 40, 120, 5, replace=False, now=NOW, batch=1000) == 0
    assert run(other, 40, 120, 6, replace=False, now=NOW) == 0
    first = dump(sqlite_database)
    assert first == dump(again)
    assert first["borrowers"] != dump(other)["borrowers"]
    again.dispose()
    other.dispose()


# --- the ledger ------------------------------------------------------------------------------------


def test_bills_paid_is_what_allocations_paid_them_and_never_more_than_they_charge(portfolio):
    allocated: dict[int, Decimal] = defaultdict(Decimal)
    for line in rows(portfolio, PaymentAllocation):
        if line.bill_id is not None:
            allocated[line.bill_id] += line.amount
    bills = rows(portfolio, Bill)
    assert sum(1 for bill in bills if bill.paid > 0) > len(bills) / 3
    for bill in bills:
        assert bill.paid == bill.opening_paid + allocated[bill.id] == allocated[bill.id]
        assert bill.paid <= bill.principal + bill.interest + bill.late_fee


def test_each_payments_allocations_add_up_to_it_in_the_ledgers_order(portfolio):
    lines = defaultdict(list)
    for line in rows(portfolio, PaymentAllocation):
        lines[line.payment_id].append(line)
    payments = rows(portfolio, Payment)
    assert payments and {p.method for p in payments} == {"wallet"}
    for payment in payments:
        assert sum(line.amount for line in lines[payment.payment_id]) == payment.amount > 0
        assert payment.paid_at <= payment.received_at


def test_the_principal_is_split_exactly_and_late_fees_only_on_late_bills(portfolio):
    bills = defaultdict(list)
    for bill in rows(portfolio, Bill):
        bills[bill.loan_id].append(bill)
    loans = rows(portfolio, Loan)
    assert {len(bills[loan.id]) for loan in loans} == {3, 6, 12}
    for loan in loans:
        assert sum(bill.principal for bill in bills[loan.id]) == loan.principal
    late_fees = [bill for bill in rows(portfolio, Bill) if bill.late_fee > 0]
    assert late_fees and all(bill.due_date < NOW.date() - timedelta(days=15) for bill in late_fees)


# --- arrangements ----------------------------------------------------------------------------------


def test_at_most_one_active_arrangement_a_loan_with_terms_of_the_kinds_own_shape(portfolio):
    arrangements = rows(portfolio, Arrangement)
    active = [a.loan_id for a in arrangements if a.status == "active"]
    assert len(active) == len(set(active))
    assert {a.type for a in arrangements} == {"deferral", "instalment_plan", "promise_to_pay"}
    assert {"kept", "broken", "active"} <= {a.status for a in arrangements}
    for arrangement in arrangements:
        kind = kind_named(arrangement.type)
        assert kind.to_json(kind.from_json(arrangement.terms)) == arrangement.terms
        assert arrangement.created_by == "bot" or arrangement.created_by.startswith("agent:")
        assert (arrangement.idempotency_key is None) == (arrangement.created_by != "bot")


def test_a_kept_promise_was_paid_by_its_date_and_a_broken_one_was_not(portfolio):
    with portfolio.transaction() as session:
        zones = dict(session.execute(select(Loan.id, Borrower.timezone).join(Borrower)).all())
    payments = defaultdict(list)
    for payment in rows(portfolio, Payment):
        payments[payment.loan_id].append(payment)
    grace = timedelta(days=load_policy().defaults.review.grace_days)
    promises = [a for a in rows(portfolio, Arrangement)
                if a.type == "promise_to_pay" and a.status in ("kept", "broken")]
    assert {a.status for a in promises} == {"kept", "broken"}
    for promise in promises:
        due, amount = date.fromisoformat(promise.terms["date"]), Decimal(promise.terms["amount"])
        paid = sum((p.amount for p in payments[promise.loan_id] if p.received_at >= promise.created_at
                    and local_day(p.paid_at, zones[promise.loan_id]) <= due + grace), Decimal(0))
        assert (paid >= amount) == (promise.status == "kept")


def test_the_daily_review_finds_nothing_left_to_settle(portfolio):
    with portfolio.transaction() as session:
        found = review_arrangements(session, load_policy(), NOW.date())
        session.rollback()
    assert found["kept"] == found["broken"] == 0 and found["active"] > 0


def test_deferrals_and_plans_cover_the_bills_overdue_when_made(portfolio):
    bills = {bill.id: bill for bill in rows(portfolio, Bill)}
    arrangements = {a.id: a for a in rows(portfolio, Arrangement)}
    covers = rows(portfolio, ArrangementBill)
    assert covers
    for cover in covers:
        arrangement = arrangements[cover.arrangement_id]
        assert arrangement.type in ("deferral", "instalment_plan")
        assert bills[cover.bill_id].due_date < arrangement.created_at.date() + timedelta(days=1)
        assert (cover.late_fee_waived is None) == (arrangement.status == "active")


# --- conversations, outreach, handoffs -------------------------------------------------------------


def test_at_most_one_conversation_a_borrower_is_not_closed(portfolio):
    open_ones = [c.borrower_id for c in rows(portfolio, Conversation) if c.status != "closed"]
    assert open_ones and len(open_ones) == len(set(open_ones))


def test_every_sent_contact_has_its_message_in_the_conversation(portfolio):
    messages = {m.id: m for m in rows(portfolio, Message)}
    contacts = rows(portfolio, OutreachContact)
    sent = [c for c in contacts if c.status == "sent"]
    assert 0.8 < len(sent) / len(contacts) < 0.97
    for contact in sent:
        message = messages[contact.message_id]
        assert (message.conversation_id, message.sender, message.kind, message.text, message.created_at) == \
            (contact.conversation_id, "bot", "outreach", contact.text, contact.at)
        day = contact.day.isoformat()
        assert contact.key == f"{contact.borrower_id}|{contact.loan_id}|{contact.stage}|{day}"
        assert contact.template == f"{contact.stage}/{contact.variant}"
    for contact in contacts:
        if contact.status == "suppressed":
            assert contact.reason and contact.detail and contact.message_id is None
    assert {"quiet_hours", "opted_out"} <= {c.reason for c in contacts}


def test_messages_of_a_conversation_are_numbered_in_time_order(portfolio):
    by_conversation = defaultdict(list)
    for message in rows(portfolio, Message):
        by_conversation[message.conversation_id].append(message)
    for messages in by_conversation.values():
        times = [m.created_at for m in sorted(messages, key=lambda m: m.id)]
        assert times == sorted(times)


def test_handoffs_are_claimed_after_they_open_and_their_conversation_follows(portfolio):
    conversations = {c.id: c for c in rows(portfolio, Conversation)}
    agents = defaultdict(list)
    for message in rows(portfolio, Message):
        if message.sender == "agent":
            agents[message.conversation_id].append(message)
    handoffs = rows(portfolio, Handoff)
    assert handoffs
    for handoff in handoffs:
        if handoff.claimed_at is not None:
            assert handoff.claimed_at >= handoff.created_at and handoff.claimed_by in ("mei.lin", "tom.k")
        if handoff.status == "closed":
            assert handoff.outcome in ("released", "closed") and handoff.closed_at >= handoff.claimed_at
            assert any(m.created_at > handoff.claimed_at and m.agent_username == handoff.claimed_by
                       for m in agents[handoff.conversation_id])
        else:
            assert conversations[handoff.conversation_id].status == "handoff"
    for conversation in conversations.values():
        if conversation.status == "closed":
            assert any(h.conversation_id == conversation.id and h.outcome == "closed" for h in handoffs)


def test_a_dispute_holds_collection_and_an_opt_out_is_recorded(portfolio):
    disputed = {h.borrower_id for h in rows(portfolio, Handoff) if h.reason == "dispute"}
    held = {loan.borrower_id for loan in rows(portfolio, Loan) if loan.collection_hold}
    assert disputed and held == disputed
    opted_out = {b.id for b in rows(portfolio, Borrower) if b.contact_opt_out_at is not None}
    recorded = {e.borrower_id for e in rows(portfolio, AuditEvent) if e.action == "contact_opt_out"}
    assert opted_out and opted_out == recorded


def test_nothing_is_dated_after_now(portfolio):
    with portfolio.transaction() as session:
        for model in MODELS:
            for column in inspect(model).columns:
                if column.type.__class__.__name__ == "UTCDateTime":
                    latest = session.execute(select(func.max(column))).scalar()
                    assert latest is None or latest <= NOW, f"{model.__tablename__}.{column.name}"
    assert max(c.day for c in rows(portfolio, OutreachContact)) <= NOW.date()


def test_the_audit_has_the_main_facts(portfolio):
    actions = {e.action for e in rows(portfolio, AuditEvent)}
    assert {"payment_recorded", "arrangement_created", "handoff_opened", "handoff_claimed",
            "agent_message_sent", "outreach_sent", "contact_opt_out", "conversation_started"} <= actions
    payments = {p.payment_id for p in rows(portfolio, Payment)}
    recorded = [e for e in rows(portfolio, AuditEvent) if e.action == "payment_recorded"]
    assert {e.details["payment_id"] for e in recorded} == payments
    assert all(e.actor == "wallet" for e in recorded)


def test_a_chat_still_going_on_at_the_end_of_the_history_is_cut_there():
    world = World(NOW, 30, load_strategy(), load_policy())
    borrower = BorrowerRun(world, random.Random(1), Ids(), {table: [] for table in TABLES})
    start = NOW - timedelta(seconds=100)
    chat = Chat(borrower, borrower.conversations.ongoing(start, by_borrower=True), start)
    written = [chat.borrower("How much do I owe?") for _ in range(10)]
    assert written[0] and not written[-1] and written == sorted(written, reverse=True)
    messages = borrower.conversations.messages
    assert messages and all(m["created_at"] <= NOW for m in messages)


# --- the real code on it ---------------------------------------------------------------------------


def test_the_real_code_reads_the_portfolio_and_runs_a_pass_on_it(sqlite_database):
    assert run(sqlite_database, 80, 90, 3, replace=False, now=NOW) == 0
    with sqlite_database.transaction() as session:
        account = load_account(session, "p-000001", NOW.date())
    assert account is not None and account.balances and account.balances[0].loan_id == "PL-000001"
    report = run_pass(sqlite_database, load_strategy(), load_policy(), NOW + timedelta(hours=1))
    assert report.loans_read > 0


def test_on_postgresql_the_sequences_carry_on_after_the_portfolio(postgres_server):
    url = postgres_server.create_database()
    database = upgraded(url)
    try:
        assert run(database, 120, 200, 8, replace=False, now=NOW, batch=50) == 0
        with database.transaction() as session:
            conversation = session.execute(select(Conversation).limit(1)).scalar_one()
            session.add(Message(conversation_id=conversation.id, sender="bot", text="after the portfolio"))
            session.flush()  # a new id from the sequence, past the portfolio's
            assert session.execute(select(func.count()).select_from(Message)
                                   .where(Message.text == "after the portfolio")).scalar_one() == 1
        active = [a.loan_id for a in rows(database, Arrangement) if a.status == "active"]
        assert len(active) == len(set(active))
        report = run_pass(database, load_strategy(), load_policy(), NOW + timedelta(hours=1))
        assert report.loans_read > 0
    finally:
        database.dispose()
        postgres_server.drop_database(url)


# --- the command -----------------------------------------------------------------------------------


def bot(*args: str, url: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_the_command_refuses_a_second_portfolio_unless_it_replaces_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    first = bot("demo", "portfolio", "--borrowers", "30", "--days", "60", url=url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("demo portfolio of 60 days: 30 borrowers, ") and " s\n" in first.stdout
    database = Database(url)
    before = counts(database)
    again = bot("demo", "portfolio", "--borrowers", "30", "--days", "60", url=url)
    assert (again.returncode, again.stdout) == (1, "")
    assert "--replace" in again.stderr and counts(database) == before
    replaced = bot("demo", "portfolio", "--borrowers", "20", "--days", "60", "--seed", "2", "--replace",
                   url=url)
    assert replaced.returncode == 0, replaced.stderr
    assert "replacing 30 borrowers" in replaced.stdout
    with database.transaction() as session:
        ids = sorted(session.execute(select(Borrower.id)).scalars())
    assert ids == [f"p-{n:06d}" for n in range(1, 21)]
    assert counts(database)["payments"] != before["payments"]
    database.dispose()


@pytest.mark.parametrize(("args", "says"), [
    (("--borrowers", "0", "--days", "5"), "argument --borrowers: must be from 1 to 1,000,000, not 0"),
    (("--borrowers", "1000001", "--days", "5"), "argument --borrowers: must be from 1 to 1,000,000"),
    (("--borrowers", "5", "--days", "1001"), "argument --days: must be from 1 to 1,000, not 1,001"),
    (("--borrowers", "many", "--days", "5"), "argument --borrowers: not a whole number: 'many'"),
    (("--days", "5"), "the following arguments are required: --borrowers"),
])
def test_the_command_refuses_arguments_out_of_range(tmp_path, args, says):
    result = bot("demo", "portfolio", *args, url=f"sqlite:///{tmp_path / 'none.sqlite3'}")
    assert result.returncode == 2 and says in result.stderr
    assert not (tmp_path / "none.sqlite3").exists()
