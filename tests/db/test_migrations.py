"""Alembic migrations: they build exactly the schema of bot/db/models.py, on both backends."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot.db import Database
from bot.db.migrate import alembic_config
from bot.db.models import Base, Bill, Borrower, Payment

MODEL_TABLES = set(Base.metadata.tables)


def head_revision(database: Database) -> str:
    return ScriptDirectory.from_config(alembic_config(database.engine)).get_current_head()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_differences(database: Database) -> list:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_the_models_name_the_tables_the_bot_needs():
    assert MODEL_TABLES == {
        "borrowers", "loans", "bills", "payments", "payment_allocations", "arrangements", "arrangement_bills",
        "conversations", "messages", "handoffs", "agents", "audit_events", "outreach_contacts",
        "review_items",
    }


def test_upgrade_on_an_empty_database_creates_every_table(database_url):
    database = Database(database_url)
    try:
        assert inspect(database.engine).get_table_names() == []
        assert current_revision(database) is None
        database.upgrade()
        assert set(inspect(database.engine).get_table_names()) == MODEL_TABLES | {"alembic_version"}
        assert current_revision(database) == head_revision(database)
    finally:
        database.dispose()


def test_upgrade_twice_is_a_no_op(database):
    with database.transaction() as session:
        session.add(Borrower(id="b-1", name="王伟", language="zh", timezone="Asia/Shanghai"))
    tables = set(inspect(database.engine).get_table_names())
    revision = current_revision(database)
    database.upgrade()
    again = Database(database.url)  # as a second process would
    try:
        again.upgrade()
        assert set(inspect(again.engine).get_table_names()) == tables
        assert current_revision(again) == revision == head_revision(again)
        with again.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
        with again.transaction() as session:
            assert session.get(Borrower, "b-1").name == "王伟"
    finally:
        again.dispose()


def test_models_and_migrations_agree(database):
    """A model changed without a migration (or the other way round) shows up here."""
    assert schema_differences(database) == []


def test_downgrade_to_base_and_back(database):
    config = alembic_config(database.engine)
    command.downgrade(config, "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert set(inspect(database.engine).get_table_names()) == MODEL_TABLES | {"alembic_version"}
    assert schema_differences(database) == []


def test_money_and_time_columns_keep_their_values(database):
    """The migrated columns store exact decimals and aware UTC times on this backend."""
    from bot.db.models import Bill, Loan

    with database.transaction() as session:
        session.add(Borrower(id="b-1", name="X"))
        session.add(Loan(id="L-1", borrower_id="b-1", currency="USD", principal=Decimal("99999999.99")))
        session.add(Bill(loan_id="L-1", due_date=datetime(2026, 1, 1).date(), principal=Decimal("0.10"),
                         interest=Decimal("1250.5"), late_fee=Decimal("0.0001"), paid=Decimal("0")))
    with database.transaction() as session:
        loan = session.get(Loan, "L-1")
        [bill] = loan.bills
        borrower = session.get(Borrower, "b-1")
        assert loan.principal == Decimal("99999999.99")
        assert (bill.principal, bill.interest, bill.late_fee) == (
            Decimal("0.10"), Decimal("1250.5"), Decimal("0.0001"))
        assert borrower.created_at.tzinfo is not None
        assert abs((datetime.now(timezone.utc) - borrower.created_at).total_seconds()) < 60
        assert (borrower.language, borrower.timezone, loan.collection_hold) == ("en", "UTC", False)


def test_agents_there_before_roles_become_agents(database):
    config = alembic_config(database.engine)
    command.downgrade(config, "0003")
    with database.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO agents (username, password_hash, active, created_at) "
            "VALUES ('maria', '$2b$12$x', :active, :at)"), {"active": True, "at": datetime.now(timezone.utc)})
    command.upgrade(config, "head")
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT username, role FROM agents")).all() == [("maria", "agent")]


def test_payments_and_bills_there_before_the_ledger_stay_valid(database):
    config = alembic_config(database.engine)
    command.downgrade(config, "0004")
    at = datetime(2026, 11, 20, 4, 0, tzinfo=timezone.utc)
    with database.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO borrowers (id, name, language, timezone, created_at, updated_at) "
            "VALUES ('b-1', 'Ann', 'en', 'UTC', :at, :at)"), {"at": at})
        connection.execute(text(
            "INSERT INTO loans (id, borrower_id, currency, principal, collection_hold, created_at, "
            "updated_at) VALUES ('L-1', 'b-1', 'USD', 100, :hold, :at, :at)"), {"at": at, "hold": False})
        connection.execute(text(
            "INSERT INTO bills (loan_id, due_date, principal, interest, late_fee, paid) "
            "VALUES ('L-1', '2026-11-01', 100, 0, 0, 30)"))
        for reference in (None, "bank-77"):
            connection.execute(text(
                "INSERT INTO payments (loan_id, amount, received_at, reference) "
                "VALUES ('L-1', 15, :at, :reference)"), {"at": at, "reference": reference})
    command.upgrade(config, "head")
    with database.transaction() as session:
        rows = session.query(Payment).order_by(Payment.id).all()
        assert [(p.payment_id, p.borrower_id, p.currency, p.paid_at, p.received_at) for p in rows] == [
            (f"legacy-{rows[0].id}", "b-1", "USD", at, at), ("bank-77", "b-1", "USD", at, at)]
        [bill] = session.query(Bill).all()
        assert (bill.opening_paid, bill.paid) == (Decimal("30"), Decimal("30"))
