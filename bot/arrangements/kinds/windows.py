"""A date the borrower picks inside the policy's window, from today to a last date."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.arrangements.kinds.base import Invalid


def date_window(day: date, allowed: Mapping[str, Any], *, late: str) -> Invalid | None:
    """None inside [first_date, last_date]; else "in_past" or `late`, with the window."""
    if day < allowed["first_date"]:
        return Invalid("in_past", allowed)
    if day > allowed["last_date"]:
        return Invalid(late, allowed)
    return None
