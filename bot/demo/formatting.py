"""Text as the real code formats it, each text worked out once for every borrower: OpenCC's
Traditional script, babel's amounts and dates take longer than all the rest of a contact."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from bot.language import to_traditional
from bot.money import format_money
from bot.replies.dates import show_date


@lru_cache(maxsize=50_000)
def traditional(text: str) -> str:
    return to_traditional(text)


def preformatted(values: Mapping[str, Any], currency: str, language: str) -> dict[str, Any]:
    """Amounts and dates as `render` would show them (bot/replies/values.py)."""
    return {key: money_text(value, currency, language) if isinstance(value, Decimal)
            else date_text(value, language) if isinstance(value, date) else value
            for key, value in values.items()}


@lru_cache(maxsize=200_000)
def money_text(amount: Decimal, currency: str, language: str) -> str:
    return format_money(amount, currency, language)


@lru_cache(maxsize=20_000)
def date_text(day: date, language: str) -> str:
    return show_date(day, language)
