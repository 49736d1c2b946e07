"""Quick replies: what a tap sends back and what the button says.

A tap sends a payload, `/intent` or `/intent{"entity": "value"}`, which Rasa parses into that
intent and those entities (the gateway lets it through only when the bot has just offered
it). Values are written as CONTRACT §2 normalises them, so that a tapped "Sat 5 Dec" reads
exactly like a typed "5 Dec".
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.replies.dates import show_day
from bot.replies.values import show

ANSWER_INTENT = "inform"  # a value on its own (CONTRACT §1)


def payload(intent: str, entities: Mapping[str, str] | None = None) -> str:
    return f"/{intent}" + (json.dumps(dict(entities), ensure_ascii=False) if entities else "")


def button(title: str, sends: str) -> dict[str, str]:
    return {"title": title, "payload": sends}


def choice(entity: str, value: str, title: str) -> dict[str, str]:
    """A quick reply that answers the question with `value` for `entity`."""
    return button(title, payload(ANSWER_INTENT, {entity: value}))


def title_of(value: Any, currency: str | None, language: str) -> str:
    """A value on a button: a day with its weekday, money in the loan's currency, a count as is."""
    return show_day(value, language) if isinstance(value, date) else str(show(value, currency, language))
