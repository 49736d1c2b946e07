"""An age such as `30d` or `12h` (`--older-than`, TRACKER_PRUNE_OLDER_THAN): days or hours."""
from __future__ import annotations

from datetime import timedelta

DEFAULT = "30d"
_UNITS = {"d": "days", "h": "hours"}


def parse_age(text: str) -> timedelta:
    """`30d` → 30 days, `12h` → 12 hours; ValueError for anything else, 0 included."""
    raw = text.strip().lower()
    number, unit = raw[:-1], raw[-1:]
    if unit not in _UNITS or not (number.isascii() and number.isdigit()) or int(number) == 0 \
            or len(number) > 6:
        raise ValueError(f"an age is a whole number of days or hours above 0, e.g. 30d or 12h, "
                         f"not {text!r}")
    return timedelta(**{_UNITS[unit]: int(number)})


def describe_age(age: timedelta) -> str:
    """`30d`, `12h`: as the age would be written."""
    hours = int(age.total_seconds()) // 3600
    return f"{hours // 24}d" if hours % 24 == 0 else f"{hours}h"
