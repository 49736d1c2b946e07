"""What every action needs: the database, the conversation's borrower and language."""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.db import Database
from bot.loans.accounts import borrower_of_conversation
from bot.replies.reply import Reply
from bot.runtime.settings import Settings

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ServiceUnavailable(Exception):
    """The loan database could not be reached."""


@lru_cache(maxsize=1)
def database() -> Database:
    """One engine (a connection pool) per action-server process, made on first use."""
    return Database(Settings.from_env().database_url)


async def in_transaction(work: Callable[[Session], T]) -> T:
    """Run `work` in its own session and transaction, off the event loop."""
    try:
        return await database().run(work)
    except SQLAlchemyError as error:
        logger.exception("loan database unavailable")
        raise ServiceUnavailable() from error


def borrower_id(session: Session, tracker: Tracker) -> str | None:
    """The authenticated borrower: the gateway's conversation record, never the text."""
    return borrower_of_conversation(session, tracker.sender_id)


def language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "en"


def said_this_session(tracker: Tracker) -> list[dict[str, Any]]:
    """The parse data of each of the borrower's messages in this session, the latest last: read
    from the tracker, so that no counter has to be reset on every other path."""
    events = tracker.events
    starts = [i for i, event in enumerate(events) if event.get("event") == "session_started"]
    session = events[starts[-1] + 1:] if starts else events
    return [event.get("parse_data") or {} for event in session if event.get("event") == "user"]


def intent_of(parse_data: dict[str, Any]) -> str | None:
    return (parse_data.get("intent") or {}).get("name")


def send(dispatcher: CollectingDispatcher, replies: list[Reply]) -> None:
    """Each reply: Rasa renders its response, and adds the reply's buttons to the response's."""
    for reply in replies:
        dispatcher.utter_message(response=reply.response, buttons=[dict(b) for b in reply.buttons] or None,
                                 **reply.values)
