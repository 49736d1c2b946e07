"""Action tests: real actions against a real database, with trackers built from JSON."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.context
from bot.db.models import Conversation
from tests.builders import CONTRACT_DAY, alice, bill, load, wang

TRACKER = Path(__file__).with_name("tracker.json")
TODAY = CONTRACT_DAY

# The CONTRACT §3 borrower, and an English borrower with two loans in two currencies.
BORROWERS = (wang(), alice().loan("L-2002", "USD", "300.00", bill(17, "300.00", interest="4.50")))


@pytest.fixture
def loan_db(database, monkeypatch):
    """The fixture loaded, conversations opened, and the actions pointed at this database."""
    load(database, *BORROWERS, today=TODAY)
    with database.transaction() as session:
        session.add(Conversation(id="conv-wang", borrower_id="b-1001"))
        session.add(Conversation(id="conv-alice", borrower_id="b-2001"))
    monkeypatch.setattr(actions.context, "database", lambda: database)
    return database


@pytest.fixture
def frozen_today(monkeypatch):
    """Pin the borrower's 'today' so figures are exact."""
    import bot.loans.accounts as accounts

    monkeypatch.setattr(accounts, "today_in", lambda timezone_name, now=None: TODAY)
    return TODAY


def tracker(sender_id: str, language: str = "en", text: str = "how much do I owe?") -> Tracker:
    state = json.loads(TRACKER.read_text(encoding="utf-8"))
    state["sender_id"] = sender_id
    state["slots"]["language"] = language
    state["latest_message"]["text"] = text
    return Tracker.from_dict(state)


async def run(action, sender_id: str, language: str = "en", text: str = "how much do I owe?"):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(sender_id, language, text), {})
    return dispatcher.messages, events


def conversation(sender_id: str, said: list, *, language: str = "en", slots: dict | None = None,
                 active_loop: str | None = None) -> Tracker:
    """A tracker in which the borrower said `said` in order, the last being the latest message:
    each an intent name, an (intent, text) pair, or an event dict put in as it is (a session
    start)."""
    events = []
    for item in said:
        if isinstance(item, dict):
            events.append(item)
            continue
        intent, text = item if isinstance(item, tuple) else (item, f"({item})")
        events += [{"event": "action", "name": "action_listen"},
                   {"event": "user", "text": text,
                    "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": [],
                                   "text": text}}]
    latest = next(event for event in reversed(events) if event["event"] == "user")
    return Tracker.from_dict({
        "sender_id": sender_id, "slots": {"language": language, **(slots or {})},
        "latest_message": {"text": latest["text"], **latest["parse_data"]}, "events": events,
        "paused": False, "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": "action_listen",
    })


async def run_on(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events

