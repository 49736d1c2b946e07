"""The values a question offers as quick replies, from what the policy allows for the field.

The kinds' `allowed` speak one vocabulary: a window of dates (first_date … last_date), a
range of whole numbers (min … max), a list (counts) or an upper bound (owed). Each gives a
few choices in order, the last being the most the policy allows: a vague answer ("whenever",
"as late as possible") is read as it, and a value past the limit is offered it instead.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

DAYS_AHEAD = (3, 7)  # a date question offers these days from the window's start, and its end
DAYS_LATER = (7, 14)  # a question of days offers these, and the most allowed


def choices_within(allowed: Mapping[str, Any]) -> tuple[Any, ...]:
    if "first_date" in allowed and "last_date" in allowed:
        first, last = allowed["first_date"], allowed["last_date"]
        return _spread([first + timedelta(days=n) for n in DAYS_AHEAD], first, last)
    if "min" in allowed and "max" in allowed:
        return _spread(list(DAYS_LATER), allowed["min"], allowed["max"])
    if "counts" in allowed:
        return tuple(sorted(allowed["counts"]))
    if "owed" in allowed:
        return (allowed["owed"],)
    return ()


def _spread(points: list[Any], low: Any, high: Any) -> tuple[Any, ...]:
    """The points inside [low, high], and high itself, each once and in order."""
    return tuple(sorted({point for point in points if low <= point <= high} | {high}))
