"""Typed values as a reply shows them, in the reader's language: money in the loan's currency,
dates as the reader writes them, lists joined, schedules one line a payment."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from bot.money import format_money
from bot.replies.dates import show_date

SEPARATORS = {"zh": "、", "en": ", "}


def shown(values: Mapping[str, Any], currency: str | None, language: str) -> dict[str, Any]:
    return {key: show(value, currency, language) for key, value in values.items()}


def show(value: Any, currency: str | None, language: str) -> Any:
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, Decimal):
        return format_money(value, currency, language) if currency else format(value, "f")
    if isinstance(value, date):
        return show_date(value, language)
    if isinstance(value, (list, tuple)):
        if value and all(hasattr(item, "due_date") and hasattr(item, "amount") for item in value):
            return "\n".join(f"{i}. {show(item.due_date, currency, language)}  "
                             f"{show(item.amount, currency, language)}"
                             for i, item in enumerate(value, start=1))
        return SEPARATORS.get(language, ", ").join(str(show(item, currency, language)) for item in value)
    return value
