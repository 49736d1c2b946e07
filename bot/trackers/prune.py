"""Deleting old sessions' events from Rasa's SQL tracker store (SQLite or PostgreSQL).

One conversation at a time: its events are read without their `data` (one short read), the
rules of bot/trackers/sessions.py pick what goes, and it is deleted BATCH rows per transaction,
so that no lock is held for long while Rasa writes beside it. Only events older than the
conversation's latest session are ever deleted; Rasa counts the latest session's events to
know what to append (SQLTrackerStore._additional_events), so a message Rasa handles meanwhile
is saved as ever. A conversation in a handoff is read from the gateway's `conversations`.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, func, inspect, select
from sqlalchemy.engine.url import make_url

from bot.db import Database
from bot.db.models import Conversation
from bot.runtime.stores import TRACKER_TABLE
from bot.trackers.sessions import SESSION_STARTED, Event, Plan, plan

BATCH = 500  # rows deleted per transaction


def events_table(url: str) -> Table:
    """The columns of Rasa's `events` (rasa.core.tracker_store.SQLTrackerStore.SQLEvent) that
    pruning reads; in POSTGRESQL_SCHEMA where Rasa keeps it there."""
    schema = os.environ.get("POSTGRESQL_SCHEMA") or None
    if make_url(url).get_backend_name() != "postgresql":
        schema = None
    return Table(TRACKER_TABLE, MetaData(), Column("id", Integer, primary_key=True),
                 Column("sender_id", String(255)), Column("type_name", String(255)),
                 Column("timestamp", Float), Column("action_name", String(255)), schema=schema)


@dataclass
class Pruning:
    cutoff: datetime
    dry_run: bool
    table_found: bool = True
    plans: list[Plan] = field(default_factory=list)  # each conversation that had old sessions

    @property
    def deleted(self) -> list[Plan]:
        return [p for p in self.plans if p.delete]

    @property
    def skipped(self) -> list[Plan]:
        return [p for p in self.plans if p.skipped]


def prune(trackers: Database, conversations: Database, cutoff: datetime, *, dry_run: bool = False,
          each: Callable[[Plan], None] = lambda plan: None) -> Pruning:
    """Deletes (or, in a dry run, only finds) the events of sessions that ended before `cutoff`
    in `trackers`; `conversations` is the gateway's database. `each` hears of every
    conversation with something deleted or skipped, as it is done."""
    table = events_table(trackers.url)
    pruning = Pruning(cutoff, dry_run)
    if not inspect(trackers.engine).has_table(table.name, schema=table.schema):
        pruning.table_found = False  # Rasa has not started on this database yet
        return pruning
    moment = cutoff.timestamp()
    for conversation_id in _candidates(trackers, table, moment):
        events = _events(trackers, table, conversation_id)
        found = plan(conversation_id, events, moment, _in_handoff(conversations, conversation_id))
        if not (found.delete or found.skipped):
            continue
        if not dry_run:
            for ids in _batches(found.delete):
                with trackers.transaction() as session:
                    session.execute(delete(table).where(table.c.sender_id == conversation_id,
                                                        table.c.id.in_(ids)))
        pruning.plans.append(found)
        each(found)
    return pruning


def _candidates(trackers: Database, table: Table, moment: float) -> list[str]:
    """Conversations with a session that started before the cut-off: only those can have one
    that ended before it."""
    with trackers.transaction() as session:
        return list(session.execute(
            select(table.c.sender_id).where(table.c.type_name == SESSION_STARTED)
            .group_by(table.c.sender_id).having(func.min(table.c.timestamp) < moment)
            .order_by(table.c.sender_id)).scalars())


def _events(trackers: Database, table: Table, conversation_id: str) -> list[Event]:
    with trackers.transaction() as session:
        rows = session.execute(
            select(table.c.id, table.c.type_name, table.c.action_name, table.c.timestamp)
            .where(table.c.sender_id == conversation_id).order_by(table.c.id)).all()
    return [Event(row.id, row.type_name, row.action_name, row.timestamp or 0.0) for row in rows]


def _in_handoff(conversations: Database, conversation_id: str) -> bool:
    with conversations.transaction() as session:
        conversation = session.get(Conversation, conversation_id)
        return conversation is not None and conversation.status == "handoff"


def _batches(ids: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]
