"""bot/arrangements/service.py on real databases: once per confirmation, one active per loan,
audited, and still one when confirmations race in from separate connections."""
from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.arrangements import service
from bot.arrangements.kinds import DEFERRAL, INSTALMENT_PLAN, PROMISE_TO_PAY, UnknownKind, kind_named
from bot.arrangements.kinds.deferral import DeferralTerms
from bot.arrangements.kinds.instalment_plan import plan_terms
from bot.arrangements.kinds.promise import PromiseTerms
from bot.arrangements.policy import load_policy
from bot.arrangements.service import (
    NotEligible,
    arrangements_of,
    cancel_arrangement,
    create_arrangement,
    eligibility_of,
    history_of,
)
from bot.db import Database
from bot.db.models import Arrangement, AuditEvent, Loan
from tests.builders import CONTRACT_DAY, add, wang

TODAY = date(2026, 11, 23)
PROMISE = PromiseTerms(Decimal("500.00"), date(2026, 11, 27), "CNY")
PLAN = plan_terms(Decimal("2145.00"), "CNY", 3, date(2026, 11, 30))
PLAN_JSON = INSTALMENT_PLAN.to_json(PLAN)
DEFERRAL_TERMS = DeferralTerms(14, date(2026, 12, 7), Decimal("2145.00"), "CNY", Decimal("0.00"), True)


def load_contract_example(database: Database) -> None:
    with database.transaction() as session:
        add(session, wang(), today=CONTRACT_DAY)


@pytest.fixture
def loaded(database: Database) -> Database:
    load_contract_example(database)
    return database


def create(database: Database, key: str | None, terms=PROMISE, **kw):
    with database.transaction() as session:
        return create_arrangement(
            session, loan_id=kw.pop("loan_id", "L-1001"), terms=terms,
            conversation_id=kw.pop("conversation_id", "c-1"), created_by=kw.pop("created_by", "bot"),
            idempotency_key=key, **kw,
        )


def count(database: Database, model, *where) -> int:
    with database.transaction() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_created_with_its_terms_and_audited(loaded):
    arrangement, created = create(loaded, "conv-1:confirm-1", PLAN)
    assert created
    with loaded.transaction() as session:
        [stored] = arrangements_of(session, "L-1001")
        [event] = session.execute(
            select(AuditEvent).where(AuditEvent.action == "arrangement_created")).scalars()
    assert stored.id == arrangement.id
    assert (stored.type, stored.status, stored.terms, stored.created_by) == (
        "instalment_plan", "active", PLAN_JSON, "bot")
    assert stored.terms["instalments"][0] == {"due_date": "2026-11-30", "amount": "715.00"}
    assert (event.actor, event.borrower_id, event.loan_id, event.conversation_id) == (
        "bot", "b-1001", "L-1001", "c-1")
    assert event.details == {"arrangement_id": arrangement.id, "type": "instalment_plan", "terms": PLAN_JSON}


def test_the_same_key_twice_makes_one_arrangement(loaded):
    first, created_first = create(loaded, "conv-1:confirm-1")
    again, created_again = create(loaded, "conv-1:confirm-1")
    assert (created_first, created_again) == (True, False)
    assert again.id == first.id
    assert count(loaded, Arrangement) == 1
    assert count(loaded, AuditEvent, AuditEvent.action == "arrangement_created") == 1


def test_a_key_used_on_another_loan_is_a_bug(loaded):
    create(loaded, "k-1")
    with loaded.transaction() as session:
        session.add(Loan(id="L-2", borrower_id="b-1001", currency="CNY", principal=Decimal("100")))
    with pytest.raises(ValueError, match="another loan"):
        create(loaded, "k-1", loan_id="L-2")


def test_one_active_arrangement_per_loan(loaded):
    create(loaded, "k-1")
    with pytest.raises(NotEligible) as refused:
        create(loaded, "k-2", PLAN)
    assert refused.value.reason == "active_arrangement"
    assert refused.value.details["type"] == "promise_to_pay"
    assert count(loaded, Arrangement) == 1


def test_a_settled_or_cancelled_arrangement_makes_room(loaded):
    first, _ = create(loaded, "k-1")
    with loaded.transaction() as session:
        session.get(Arrangement, first.id).status = "kept"
    second, _ = create(loaded, "k-2")
    with loaded.transaction() as session:
        cancelled = cancel_arrangement(session, second.id, actor="agent:li", reason="entered by mistake")
        assert cancelled.status == "cancelled"
    third, created = create(loaded, "k-3", PLAN)
    assert created
    with loaded.transaction() as session:
        assert [(item.type, item.status) for item in history_of(session, "L-1001")] == [
            ("promise_to_pay", "kept"), ("promise_to_pay", "cancelled"), ("instalment_plan", "active")]
        [event] = session.execute(
            select(AuditEvent).where(AuditEvent.action == "arrangement_cancelled")).scalars()
    assert (event.actor, event.details["reason"], event.details["arrangement_id"]) == (
        "agent:li", "entered by mistake", second.id)


def test_only_an_active_arrangement_can_be_cancelled(loaded):
    first, _ = create(loaded, "k-1")
    with loaded.transaction() as session:
        cancel_arrangement(session, first.id, actor="agent:li", reason="x")
    with pytest.raises(NotEligible) as refused, loaded.transaction() as session:
        cancel_arrangement(session, first.id, actor="agent:li", reason="x")
    assert refused.value.reason == "not_active"


def test_a_loan_on_hold_gets_none(loaded):
    with loaded.transaction() as session:
        session.get(Loan, "L-1001").collection_hold = True
    with pytest.raises(NotEligible) as refused:
        create(loaded, "k-1")
    assert refused.value.reason == "collection_hold"
    assert count(loaded, Arrangement) == 0


def test_unknown_loan_and_type(loaded):
    with pytest.raises(LookupError):
        create(loaded, "k-1", loan_id="L-404")
    with pytest.raises(UnknownKind, match="unknown arrangement type"):
        kind_named("discount")
    with pytest.raises(UnknownKind):  # terms of no kind cannot be recorded
        create(loaded, "k-1", terms={"amount": "500"})


def test_the_database_itself_refuses_a_second_active_arrangement(loaded):
    """The partial unique index, for writers that do not go through the service."""
    def add(id: str, status: str) -> None:
        with loaded.transaction() as session:
            session.add(Arrangement(id=id, loan_id="L-1001", type="deferral", status=status,
                                    terms={}, created_by="agent:li"))

    add("a-1", "active")
    add("a-2", "kept")
    add("a-3", "broken")
    with pytest.raises(IntegrityError):
        add("a-4", "active")
    assert count(loaded, Arrangement) == 3


def test_a_lost_race_caught_by_the_index_leaves_the_transaction_usable(loaded, monkeypatch):
    create(loaded, "k-1")
    monkeypatch.setattr(service, "_recheck", lambda session, loan: None)  # as if the check had raced
    with loaded.transaction() as session:
        with pytest.raises(NotEligible) as refused:
            create_arrangement(session, loan_id="L-1001", terms=DEFERRAL_TERMS, conversation_id=None,
                               created_by="bot", idempotency_key="k-2")
        session.add(AuditEvent(actor="bot", action="still_usable"))
    assert refused.value.reason == "active_arrangement"
    assert count(loaded, AuditEvent, AuditEvent.action == "still_usable") == 1
    assert count(loaded, Arrangement) == 1


def test_eligibility_from_the_database(loaded):
    book = load_policy()
    with loaded.transaction() as session:
        eligibility = eligibility_of(session, "L-1001", DEFERRAL, book, TODAY)
        assert eligibility.reason == "too_far_past_due"  # 39 days
        assert eligibility_of(session, "L-1001", INSTALMENT_PLAN, book, TODAY).ok
    create(loaded, "k-1")
    with loaded.transaction() as session:
        assert eligibility_of(session, "L-1001", PROMISE_TO_PAY, book, TODAY).reason == "active_arrangement"
        session.get(Loan, "L-1001").collection_hold = True
        session.flush()
        assert eligibility_of(session, "L-1001", INSTALMENT_PLAN, book, TODAY).reason == "collection_hold"


# --- racing confirmations: separate engines, as separate processes would have -----------------

THREADS = 8


def race(url: str, keys: list[str]) -> list:
    """Each thread opens its own Database and confirms at the same moment."""
    barrier = threading.Barrier(len(keys))
    results: list = [None] * len(keys)

    def confirm(index: int) -> None:
        database = Database(url)
        try:
            with database.engine.connect():
                pass  # connected before the start line, so that the calls really overlap
            barrier.wait(timeout=30)
            results[index] = create(database, keys[index])
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            results[index] = error
        finally:
            database.dispose()

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(len(keys))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture(params=["postgresql", "sqlite"])
def race_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database()
    database = Database(url)
    database.upgrade()
    load_contract_example(database)
    database.dispose()
    yield url
    if request.param == "postgresql":
        server.drop_database(url)


def test_racing_confirmations_with_different_keys_make_one(race_url):
    results = race(race_url, [f"conv-{i}:confirm" for i in range(THREADS)])
    created = [result for result in results if isinstance(result, tuple)]
    refused = [result for result in results if isinstance(result, NotEligible)]
    assert len(created) == 1 and created[0][1] is True, results
    assert len(refused) == THREADS - 1, results
    assert {error.reason for error in refused} == {"active_arrangement"}
    database = Database(race_url)
    try:
        assert count(database, Arrangement) == 1
        assert count(database, AuditEvent, AuditEvent.action == "arrangement_created") == 1
    finally:
        database.dispose()


def test_racing_confirmations_with_the_same_key_make_one(race_url):
    results = race(race_url, ["conv-1:confirm"] * THREADS)
    assert all(isinstance(result, tuple) for result in results), results
    assert len({arrangement.id for arrangement, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * (THREADS - 1) + [True]
    database = Database(race_url)
    try:
        assert count(database, Arrangement) == 1
        assert count(database, AuditEvent, AuditEvent.action == "arrangement_created") == 1
    finally:
        database.dispose()
