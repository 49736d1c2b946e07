"""Time, always aware: 'today' is the borrower's today, in the borrower's time zone."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def isoformat(value: date | datetime | None) -> str | None:
    """ISO 8601 for JSON, None kept as null."""
    return None if value is None else value.isoformat()


def zone(name: str | None, default: str = "UTC") -> ZoneInfo:
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def today_in(timezone_name: str | None, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(zone(timezone_name)).date()
