"""Rasa's tracker store on the loan database (real SQLite and PostgreSQL, with Rasa's own
SQLTrackerStore), and the lock store's variables from REDIS_URL."""
from __future__ import annotations

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, ConversationPaused, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import inspect

from bot.db import Database
from bot.db.migrate import FOREIGN_TABLES, include_name
from bot.db.models import Base
from bot.runtime.stores import (
    REDIS_LOCK_STORE,
    TRACKER_TABLE,
    StoreSettingsError,
    lock_store_environment,
    rasa_store_environment,
    tracker_store_url,
)

DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  instalment_count:
    type: float
    mappings: [{type: custom}]
""")


def test_rasas_table_is_the_one_the_migrations_leave_alone_and_no_project_table():
    assert SQLTrackerStore.SQLEvent.__tablename__ == TRACKER_TABLE
    assert FOREIGN_TABLES == {TRACKER_TABLE}
    assert TRACKER_TABLE not in Base.metadata.tables


def test_trackers_live_beside_the_loans_and_survive_a_new_store(database):
    """Rasa's store on the upgraded loan database: its table beside the project's, a tracker
    written by one store (one Rasa process) read back by another (the next one), and the
    schema still what the models say (autogenerate would drop nothing) and upgradable."""
    url = tracker_store_url(database.url)
    first = SQLTrackerStore(DOMAIN, host=url)
    tracker = DialogueStateTracker.from_events("c-1", [
        UserUttered("3"), SlotSet("instalment_count", 3.0), ActiveLoop("instalment_form"),
        ConversationPaused()], DOMAIN.slots)
    _run(first.save(tracker))
    first.engine.dispose()
    second = SQLTrackerStore(DOMAIN, host=url)
    again = _run(second.retrieve("c-1"))
    second.engine.dispose()
    assert again.get_slot("instalment_count") == 3.0
    assert again.active_loop_name == "instalment_form" and again.is_paused()

    tables = set(inspect(database.engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version", TRACKER_TABLE}
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []
        unfiltered = MigrationContext.configure(connection, opts={"compare_type": True})
        assert ("remove_table" in {d[0] for d in compare_metadata(unfiltered, Base.metadata)
                                   if isinstance(d, tuple)})  # what the filter prevents
    database.upgrade()  # `python -m bot db upgrade` again: a no-op beside Rasa's table
    assert set(inspect(database.engine).get_table_names()) == tables


def test_an_upgrade_from_nothing_after_rasa_made_its_table(tmp_path):
    """Rasa may start before the gateway has migrated a new database."""
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    SQLTrackerStore(DOMAIN, host=tracker_store_url(url)).engine.dispose()
    database = Database(url)
    try:
        database.upgrade()
        assert TRACKER_TABLE in inspect(database.engine).get_table_names()
    finally:
        database.dispose()


@pytest.mark.parametrize("url, expected", [
    ("sqlite:////srv/bot/collections.sqlite3", "sqlite:////srv/bot/collections.sqlite3"),
    ("postgresql+psycopg2://bot:p%40ss@db:5433/loans?sslmode=require",
     "postgresql+psycopg2://bot:p%40ss@db:5433/loans?sslmode=require"),
])
def test_the_tracker_store_url_is_the_database_url_whole(url, expected):
    assert tracker_store_url(url) == expected
    assert SQLTrackerStore.get_db_url(host=tracker_store_url(url)) == expected  # Rasa takes it as is


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "mysql://x@y/z", "not a url"])
def test_a_database_rasa_cannot_share_is_refused(url):
    with pytest.raises(StoreSettingsError):
        tracker_store_url(url)


def test_tracker_store_url_may_name_another_database():
    env = rasa_store_environment("sqlite:////a.db", None, {"TRACKER_STORE_URL": "sqlite:////b.db"})
    assert env["TRACKER_STORE_URL"] == "sqlite:////b.db"


def test_the_lock_store_is_in_memory_without_redis_and_redis_from_its_url():
    memory = lock_store_environment(None)
    assert memory["LOCK_STORE_TYPE"] == "in_memory"
    assert all(value == "" for name, value in memory.items() if name != "LOCK_STORE_TYPE")
    assert lock_store_environment("redis://:s%3Acret@10.0.0.5:6380/2") == {
        "LOCK_STORE_TYPE": REDIS_LOCK_STORE, "LOCK_STORE_HOST": "10.0.0.5", "LOCK_STORE_PORT": "6380",
        "LOCK_STORE_DB": "2", "LOCK_STORE_USERNAME": "", "LOCK_STORE_PASSWORD": "s:cret"}
    assert lock_store_environment("redis://127.0.0.1")["LOCK_STORE_PORT"] == "6379"
    with pytest.raises(StoreSettingsError):
        lock_store_environment("rediss://secure:6379/0")


def _run(coroutine):
    return asyncio.run(coroutine)
