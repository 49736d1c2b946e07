"""Which review items a trainer asks for: `GET /api/v1/agent/review`'s parameters, read into
typed values, or InboxQueryError saying what is wrong with them (a 400)."""
from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from bot.training.languages import LANGUAGES
from bot.training.recording import REASONS

STATUSES = {"open": ("open",), "settled": ("settled",), "all": ("open", "settled")}
SORTS = ("at", "-at", "confidence", "-confidence")
DEFAULT_LIMIT, MAX_LIMIT = 50, 500
DEFAULT_CONTEXT, MAX_CONTEXT = 2, 10
KNOWN = ("status", "language", "intent", "reason", "min_confidence", "max_confidence", "from", "to",
         "sort", "limit", "offset", "context")


class InboxQueryError(ValueError):
    """A parameter the inbox cannot answer; the message says which and what it may be."""


@dataclass(frozen=True)
class InboxQuery:
    statuses: tuple[str, ...] = ("open",)
    languages: tuple[str, ...] = ()  # empty: any
    intents: tuple[str, ...] = ()  # the predicted intent; empty: any
    reasons: tuple[str, ...] = ()  # empty: any
    min_confidence: float | None = None
    max_confidence: float | None = None
    since: datetime | None = None  # from, inclusive
    before: datetime | None = None  # to, exclusive (a date's next midnight)
    sort: str = "at"
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    context: int = DEFAULT_CONTEXT  # messages shown before and after each one

    @classmethod
    def parse(cls, query: Mapping[str, str], intents: Collection[str]) -> InboxQuery:
        """From the query string (a parameter given twice: its values joined by commas);
        `intents` are those an item may have been predicted as."""
        unknown = sorted(set(query) - set(KNOWN))
        if unknown:
            raise InboxQueryError(f"unknown parameter {', '.join(unknown)}: the parameters are "
                                  f"{', '.join(KNOWN)}")
        status = query.get("status", "open")
        if status not in STATUSES:
            raise InboxQueryError(f"status is one of {', '.join(STATUSES)}, not {status!r}")
        parsed = cls(
            statuses=STATUSES[status],
            languages=_words(query, "language", LANGUAGES),
            intents=_words(query, "intent", intents),
            reasons=_words(query, "reason", REASONS),
            min_confidence=_confidence(query, "min_confidence"),
            max_confidence=_confidence(query, "max_confidence"),
            since=_moment(query, "from", end=False),
            before=_moment(query, "to", end=True),
            sort=_one_of(query, "sort", SORTS, "at"),
            limit=_whole(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
            offset=_whole(query, "offset", 0, 0, 10**9),
            context=_whole(query, "context", DEFAULT_CONTEXT, 0, MAX_CONTEXT),
        )
        low, high = parsed.min_confidence, parsed.max_confidence
        if low is not None and high is not None and low > high:
            raise InboxQueryError("min_confidence is above max_confidence")
        if parsed.since is not None and parsed.before is not None and parsed.since >= parsed.before:
            raise InboxQueryError("`to` is before `from`")
        return parsed


def _words(query: Mapping[str, str], name: str, allowed: Collection[str]) -> tuple[str, ...]:
    if name not in query:
        return ()
    words = tuple(dict.fromkeys(word.strip() for word in query[name].split(",") if word.strip()))
    wrong = [word for word in words if word not in allowed]
    if wrong or not words:
        raise InboxQueryError(f"{name} is one or several (commas) of {', '.join(allowed)}"
                              + (f", not {', '.join(map(repr, wrong))}" if wrong else ""))
    return words


def _confidence(query: Mapping[str, str], name: str) -> float | None:
    if name not in query:
        return None
    try:
        value = float(query[name])
    except ValueError:
        value = math.nan
    if not 0 <= value <= 1:  # NaN too
        raise InboxQueryError(f"{name} is a number from 0 to 1, not {query[name]!r}")
    return value


def _moment(query: Mapping[str, str], name: str, *, end: bool) -> datetime | None:
    """A day (YYYY-MM-DD, UTC, `to` including all of it) or an ISO-8601 moment (no zone: UTC)."""
    if name not in query:
        return None
    text = query[name].strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1 if end else 0), time(), timezone.utc)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InboxQueryError(f"`{name}` is a date (YYYY-MM-DD) or an ISO-8601 moment, "
                              f"not {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _one_of(query: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = query.get(name, default)
    if value not in allowed:
        raise InboxQueryError(f"{name} is one of {', '.join(allowed)}, not {value!r}")
    return value


def _whole(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not low <= int(text) <= high:
        raise InboxQueryError(f"{name} is a whole number from {low} to {high:,}, not {text!r}")
    return int(text)
