"""Which of one conversation's tracker events may go: no database here, only the rules.

Rasa's SQLTrackerStore cuts a conversation into sessions at its `session_started` events and
loads the latest session only: the events whose timestamp is at or after the latest
`session_started` (rasa.core.tracker_store.SQLTrackerStore._event_query). A session here runs
from its opening (the `session_started_metadata` slot and the `action_session_start` action
just before its `session_started`) to the next session's opening; it ended at its last event.

A conversation loses the sessions before the first one that had an event at or after the
cut-off; its latest session is always kept whole, as is every event Rasa would load. A
conversation that is paused (a person has it) or has a form active is left alone entirely.
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

SESSION_STARTED = "session_started"
# What Rasa's action_session_start writes just before `session_started` (its timestamps are a
# little earlier, so Rasa counts them to the session before): the new session's opening.
OPENING = {("slot", "session_started_metadata"), ("action", "action_session_start")}
LOOPS = {"active_loop", "form"}  # `form`: the Rasa 2 name of ActiveLoop
HANDOFF, ACTIVE_FORM = "in a handoff", "a form is active"


@dataclass(frozen=True)
class Event:
    """One row of Rasa's `events` table, without its `data`."""

    id: int
    type_name: str
    action_name: str | None  # an action's, a slot's or a loop's name (Rasa's `name`)
    timestamp: float


@dataclass(frozen=True)
class Plan:
    conversation_id: str
    delete: tuple[int, ...] = ()  # event ids, oldest first
    sessions: int = 0  # how many sessions they make up
    kept: int = 0  # the conversation's events that stay
    skipped: str | None = None  # HANDOFF or ACTIVE_FORM: nothing deleted, and why


def plan(conversation_id: str, events: Sequence[Event], cutoff: float,
         in_handoff: bool = False) -> Plan:
    """What to delete of one conversation's events (given in id order, as Rasa reads them)."""
    latest_start = max((e.timestamp for e in events if e.type_name == SESSION_STARTED), default=None)
    if latest_start is None:  # no sessions: Rasa loads every event
        return Plan(conversation_id, kept=len(events))
    current = [e for e in events if e.timestamp >= latest_start]
    why = HANDOFF if in_handoff or _paused(current) else ACTIVE_FORM if _form_active(current) else None
    if why is not None:
        return Plan(conversation_id, kept=len(events), skipped=why)
    sessions = _sessions(events)
    old = []
    for session in sessions[:-1]:  # the latest is kept whole
        if session and max(e.timestamp for e in session) >= cutoff:
            break  # it ended after the cut-off, and so did every later one
        old.append(session)
    # Never an event Rasa loads, even with timestamps out of order.
    delete = tuple(e.id for session in old for e in session if e.timestamp < latest_start)
    return Plan(conversation_id, delete, sum(1 for s in old if s), len(events) - len(delete))


def _sessions(events: Sequence[Event]) -> list[list[Event]]:
    """The events cut at each session's opening; the first part holds what came before the
    first session (often nothing)."""
    cuts = [_opening(events, i) for i, e in enumerate(events) if e.type_name == SESSION_STARTED]
    bounds = [0, *cuts, len(events)]
    return [list(events[start:end]) for start, end in itertools.pairwise(bounds)]


def _opening(events: Sequence[Event], index: int) -> int:
    while index > 0 and (events[index - 1].type_name, events[index - 1].action_name) in OPENING:
        index -= 1
    return index


def _paused(current: Sequence[Event]) -> bool:
    """Paused in Rasa: a `pause` not followed by a `resume` (a `restart` ends both)."""
    paused = False
    for event in current:
        if event.type_name in ("pause", "resume", "restart"):
            paused = event.type_name == "pause"
    return paused


def _form_active(current: Sequence[Event]) -> bool:
    active = False
    for event in current:
        if event.type_name in LOOPS:
            active = event.action_name is not None
        elif event.type_name == "restart":
            active = False
    return active
