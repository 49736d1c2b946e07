"""What every action needs: the database, the conversation's borrower and language."""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

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


def send(dispatcher: CollectingDispatcher, replies: list[Reply]) -> None:
    for reply in replies:
        dispatcher.utter_message(response=reply.response, **reply.values)
