"""Trackers written by Rasa's own SQLTrackerStore, session by session, as Rasa writes them:
each session retrieved (the latest only), its events added, and saved. Timestamps are days from
now, so that a cut-off of "30 days" falls between sessions."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.runtime.stores import tracker_store_url

T = TypeVar("T")
DAY = 86400.0
DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, request_instalment]
slots:
  language:
    type: text
    mappings: [{type: custom}]
  instalment_count:
    type: float
    mappings: [{type: custom}]
forms:
  instalment_form:
    required_slots: [instalment_count]
responses:
  utter_greet: [{text: hi}]
""")


def store(database_url: str) -> SQLTrackerStore:
    return SQLTrackerStore(DOMAIN, host=tracker_store_url(database_url))


def days_ago(days: float) -> float:
    return time.time() - days * DAY


def session(days: float, *texts: str, form: str | None = None, pause: bool = False,
            form_ends: bool = False) -> list[Event]:
    """One session, opened `days` ago as Rasa's action_session_start opens one, one exchange
    a minute per text; with a form left active (`form`), ended (`form_ends`), or paused."""
    at = days_ago(days)
    events: list[Event] = [
        SlotSet("session_started_metadata", {"channel": "gateway"}, timestamp=at),
        ActionExecuted("action_session_start", timestamp=at + 0.001),
        SessionStarted(timestamp=at + 0.002),
        SlotSet("language", "en", timestamp=at + 0.003),  # carried over
        ActionExecuted("action_listen", timestamp=at + 0.004),
    ]
    for n, text in enumerate(texts, start=1):
        moment = at + 60 * n
        events += [UserUttered(text, {"name": "greet", "confidence": 1.0}, timestamp=moment),
                   ActionExecuted("utter_greet", timestamp=moment + 1),
                   BotUttered("hi", timestamp=moment + 1.5),
                   ActionExecuted("action_listen", timestamp=moment + 2)]
    moment = at + 60 * (len(texts) + 1)
    if form:
        events += [ActiveLoop(form, timestamp=moment), SlotSet("instalment_count", 6.0, timestamp=moment + 1)]
        if form_ends:
            events.append(ActiveLoop(None, timestamp=moment + 2))
    if pause:
        events.append(ConversationPaused(timestamp=moment + 3))
    return events


def write(trackers: SQLTrackerStore, conversation_id: str, *sessions: list[Event]) -> None:
    """As Rasa does per message: the latest session retrieved, events added, saved."""
    for events in sessions:
        tracker = run(trackers.retrieve(conversation_id)) or DialogueStateTracker(
            conversation_id, DOMAIN.slots)
        for event in events:
            tracker.update(event)
        run(trackers.save(tracker))


def loaded(trackers: SQLTrackerStore, conversation_id: str) -> list[dict[str, Any]]:
    """The events Rasa loads for the conversation (its latest session)."""
    tracker = run(trackers.retrieve(conversation_id))
    return [] if tracker is None else [event.as_dict() for event in tracker.events]


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)
