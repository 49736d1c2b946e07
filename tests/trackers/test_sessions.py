"""bot/trackers/sessions.py's rules on hand-made event rows: where a session starts (its
opening belongs to it, not to the session before), when it ended, and what is never deleted."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.trackers.age import describe_age, parse_age
from bot.trackers.sessions import ACTIVE_FORM, HANDOFF, Event, plan

CUTOFF = 1000.0


def opened(first_id: int, at: float) -> list[Event]:
    """A session's first rows: the opening action_session_start writes, then session_started."""
    return [Event(first_id, "slot", "session_started_metadata", at),
            Event(first_id + 1, "action", "action_session_start", at + 0.01),
            Event(first_id + 2, "session_started", None, at + 0.02)]


def said(event_id: int, at: float) -> Event:
    return Event(event_id, "user", None, at)


def test_a_session_ended_at_its_last_event_not_at_the_next_opening():
    # Ended at 500 (before the cut-off); the next session opened long after it, at 2000.
    events = [*opened(1, 100), said(4, 500), *opened(5, 2000), said(8, 2100)]
    found = plan("c", events, CUTOFF)
    assert (found.delete, found.sessions, found.kept) == ((1, 2, 3, 4), 1, 4)  # the opening goes with it


def test_a_session_that_ended_after_the_cut_off_stays_and_so_do_the_later_ones():
    events = [*opened(1, 100), said(4, 200), *opened(5, 900), said(8, 1100), *opened(9, 3000)]
    assert plan("c", events, CUTOFF).delete == (1, 2, 3, 4)


def test_the_latest_session_stays_however_old():
    events = [*opened(1, 100), said(4, 200)]
    assert plan("c", events, CUTOFF).delete == ()
    assert plan("c", [said(1, 10), said(2, 20)], CUTOFF).delete == ()  # no sessions: Rasa loads all


def test_rows_before_the_first_session_go_when_they_ended_before_the_cut_off():
    events = [said(1, 10), *opened(2, 100), said(5, 200)]
    assert plan("c", events, CUTOFF).delete == (1,)


def test_nothing_rasa_loads_is_deleted_even_with_timestamps_out_of_order():
    # A row of the old session stamped after the latest session_started: Rasa loads it.
    events = [*opened(1, 100), Event(4, "bot", None, 5000.0), *opened(5, 2000)]
    assert plan("c", events, 6000.0).delete == (1, 2, 3)


@pytest.mark.parametrize("latest, skipped", [
    ([Event(10, "pause", None, 2100)], HANDOFF),
    ([Event(10, "active_loop", "instalment_form", 2100)], ACTIVE_FORM),
    ([Event(10, "pause", None, 2100), Event(11, "resume", None, 2200)], None),
    ([Event(10, "active_loop", "instalment_form", 2100), Event(11, "active_loop", None, 2200)], None),
    ([Event(10, "active_loop", "instalment_form", 2100), Event(11, "restart", None, 2200)], None),
])
def test_a_paused_conversation_or_one_in_a_form_is_left_alone(latest, skipped):
    events = [*opened(1, 100), said(4, 200), *opened(5, 2000), *latest]
    found = plan("c", events, CUTOFF)
    assert found.skipped == skipped
    assert found.delete == (() if skipped else (1, 2, 3, 4))


def test_a_pause_in_an_old_session_does_not_count_rasa_starts_the_next_unpaused():
    events = [*opened(1, 100), Event(4, "pause", None, 200), *opened(5, 2000)]
    assert plan("c", events, CUTOFF).delete == (1, 2, 3, 4)


def test_the_gateways_handoff_leaves_it_alone():
    events = [*opened(1, 100), said(4, 200), *opened(5, 2000)]
    assert plan("c", events, CUTOFF, in_handoff=True).skipped == HANDOFF


@pytest.mark.parametrize("text, age", [("30d", timedelta(days=30)), ("12h", timedelta(hours=12)),
                                       (" 7D ", timedelta(days=7))])
def test_ages_in_days_or_hours(text, age):
    assert parse_age(text) == age
    assert parse_age(describe_age(age)) == age
