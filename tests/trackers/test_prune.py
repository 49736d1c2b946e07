"""Pruning Rasa's trackers on real SQLite and PostgreSQL, the events table and the trackers
written by Rasa's own SQLTrackerStore (tests/trackers/rasa_trackers.py): the sessions that
ended before the cut-off go, in batches; every conversation's latest session, and conversations
in a handoff, paused or in a form, stay whole; Rasa still loads each tracker as before and goes
on appending to it; and `python -m bot trackers prune` says what it deleted."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from bot.db.models import Conversation
from bot.runtime import cli
from bot.trackers import prune as pruning
from bot.trackers.prune import prune
from bot.trackers.sessions import ACTIVE_FORM, HANDOFF
from tests.builders import borrower, load
from tests.trackers.rasa_trackers import days_ago, loaded, run, session, store, write

CONVERSATIONS = {
    # 90 and 60 days ago, then 2 days ago: the first two go.
    "old-sessions": (session(90, "a", "b"), session(60, "c"), session(2, "d", "e")),
    # 50 days ago (goes), 20 days ago (ended after the cut-off: stays), today.
    "recent-sessions": (session(50, "a"), session(20, "b"), session(0.01, "c")),
    "one-old-session": (session(90, "a", "b"),),  # its latest: stays, however old
    "all-old": (session(90, "a"), session(60, "b")),  # the older goes, the latest stays
    "paused": (session(90, "a"), session(60, "b", pause=True)),
    "in-a-form": (session(90, "a"), session(60, "b", form="instalment_form")),
    "form-done": (session(90, "a", form="instalment_form"), session(60, "b", form="instalment_form",
                                                                        form_ends=True)),
    "handed-off": (session(90, "a"), session(60, "b")),  # the gateway has it in a handoff
}
DELETED = {"old-sessions": (2, 5 + 8 + 5 + 4), "recent-sessions": (1, 5 + 4),
           "all-old": (1, 5 + 4), "form-done": (1, 5 + 4 + 2)}  # (sessions, events)
SKIPPED = {"paused": "in a handoff", "in-a-form": ACTIVE_FORM, "handed-off": HANDOFF}


@pytest.fixture
def trackers(database):
    """Rasa's store on the upgraded loan database, the conversations above written into it."""
    rasa = store(database.url)
    for conversation_id, sessions in CONVERSATIONS.items():
        write(rasa, conversation_id, *sessions)
    load(database, borrower("b-1", "Ann Lee"))
    with database.transaction() as session_:
        session_.add(Conversation(id="handed-off", borrower_id="b-1", status="handoff"))
    yield rasa
    rasa.engine.dispose()


def cut_off(days: float = 30) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=days)


def counts(database) -> dict[str, int]:
    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id"))
        return dict(rows.all())


def test_sessions_that_ended_before_the_cut_off_go_and_rasa_loads_every_tracker_as_before(
        database, trackers, monkeypatch):
    monkeypatch.setattr(pruning, "BATCH", 4)  # several batches per conversation
    before = {c: loaded(trackers, c) for c in CONVERSATIONS}
    full_before = {c: run(trackers.retrieve_full_tracker(c)).events for c in CONVERSATIONS}
    sizes = counts(database)

    done = prune(database, database, cut_off())

    assert {p.conversation_id: (p.sessions, len(p.delete)) for p in done.deleted} == DELETED
    assert {p.conversation_id: p.skipped for p in done.skipped} == SKIPPED
    after = counts(database)
    assert {c: sizes[c] - after[c] for c in CONVERSATIONS} == {
        c: DELETED.get(c, (0, 0))[1] for c in CONVERSATIONS}
    fresh = store(database.url)  # another Rasa process: the same trackers
    try:
        for conversation_id in CONVERSATIONS:
            assert loaded(fresh, conversation_id) == before[conversation_id], conversation_id
        assert run(fresh.retrieve("in-a-form")).active_loop_name == "instalment_form"
        assert run(fresh.retrieve("paused")).is_paused()
        kept = run(fresh.retrieve_full_tracker("old-sessions")).events
        assert min(e.timestamp for e in kept) >= days_ago(3)  # only the latest session is left
        for conversation_id in SKIPPED:  # all of it
            assert run(fresh.retrieve_full_tracker(conversation_id)).events == full_before[conversation_id]
    finally:
        fresh.engine.dispose()
    assert prune(database, database, cut_off()).deleted == []  # nothing more to do


def test_rasa_appends_to_a_pruned_tracker_as_before(database, trackers):
    prune(database, database, cut_off())
    write(trackers, "old-sessions", session(0, "f"))  # a new message: a new session
    write(trackers, "recent-sessions", [session(0, "x")[-4]])  # one more event in the latest
    assert [e["text"] for e in loaded(trackers, "old-sessions") if e["event"] == "user"] == ["f"]
    assert [e["text"] for e in loaded(trackers, "recent-sessions") if e["event"] == "user"] == ["c", "x"]


def test_a_dry_run_deletes_nothing(database, trackers):
    sizes = counts(database)
    done = prune(database, database, cut_off(), dry_run=True)
    assert {p.conversation_id for p in done.deleted} == set(DELETED)
    assert counts(database) == sizes


def test_a_later_cut_off_keeps_more(database, trackers):
    done = prune(database, database, cut_off(days=75))  # only the 90-days-old sessions ended before
    assert {p.conversation_id: p.sessions for p in done.deleted} == {
        "old-sessions": 1, "all-old": 1, "form-done": 1}


def test_the_command_prints_what_it_deleted(database, trackers, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    assert cli.main(["trackers", "prune", "--older-than", "30d", "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert "dry run: nothing is deleted" in dry
    assert "would delete 51 events of 5 sessions in 4 conversations" in dry
    assert cli.main(["trackers", "prune", "--older-than", "30d"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("tracker sessions that ended before ") and "(older than 30d)" in lines[0]
    assert "  old-sessions: deleted 2 sessions (22 events); kept 13 events, the latest session whole" in lines
    assert "  paused: skipped, in a handoff" in lines and "  in-a-form: skipped, a form is active" in lines
    assert lines[-1].startswith("trackers: deleted 51 events of 5 sessions in 4 conversations")
    assert lines[-1].endswith("; skipped 3 (in a handoff or a form)")
    assert cli.main(["trackers", "prune", "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("trackers: deleted 0 events of 0 sessions")


def test_a_database_rasa_has_not_used_yet_has_nothing_to_prune(database, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    assert cli.main(["trackers", "prune"]) == 0
    assert "no `events` table yet" in capsys.readouterr().out


@pytest.mark.parametrize("age", ["0d", "30", "3w", "-1d", "d"])
def test_an_age_that_is_not_days_or_hours_is_refused(age, capsys):
    with pytest.raises(SystemExit):
        cli.main(["trackers", "prune", f"--older-than={age}"])
    assert "an age is a whole number of days or hours" in capsys.readouterr().err
