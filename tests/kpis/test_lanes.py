"""Figure families side by side (bot/kpis/lanes.py): on PostgreSQL, each on a connection of
its own, reading the report's snapshot even while others commit; on SQLite, in the session."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from bot.db.models import Borrower
from bot.kpis.lanes import side_by_side
from tests.builders import borrower, load


def _borrowers(session) -> int:
    return session.execute(select(func.count()).select_from(Borrower)).scalar_one()


def _backend(session) -> int:
    return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_lanes_read_the_report_snapshot_while_a_borrower_is_added(database):
    if database.engine.dialect.name != "postgresql":
        pytest.skip("lanes run side by side on PostgreSQL only")
    load(database, borrower("b-1", "One"))
    added = threading.Event()

    def waits_for_the_write(lane) -> tuple[int, int]:
        assert added.wait(10), "the other lane never ran: the lanes are not side by side"
        return _borrowers(lane), _backend(lane)

    def writes(lane) -> tuple[int, int]:
        load(database, borrower("b-2", "Two"))  # committed elsewhere while the report runs
        added.set()
        return _borrowers(lane), _backend(lane)

    with database.transaction() as session:
        (first, first_backend), (second, second_backend) = side_by_side(session, waits_for_the_write, writes)
        own_backend = _backend(session)
    assert (first, second) == (1, 1)
    assert len({first_backend, second_backend, own_backend}) == 3
    with database.transaction() as session:
        assert _borrowers(session) == 2


def test_on_sqlite_the_lanes_run_in_the_session(sqlite_database):
    load(sqlite_database, borrower("b-1", "One"))
    with sqlite_database.transaction() as session:
        assert side_by_side(session, lambda lane: lane is session, _borrowers) == (True, 1)


def test_a_failing_lane_fails_the_report(database):
    def fails(lane) -> int:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"), database.transaction() as session:
        side_by_side(session, _borrowers, fails)
