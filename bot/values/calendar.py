"""Date arithmetic for the date rules: each function one reading of a date expression.

None means the expression names no such date (2月30日, the 31st of a 30-day month); a date in
the past is still a date (the policy decides what to make of it). Weeks start on Monday.
"""
from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def build(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def days_from(today: date, days: int) -> date:
    return today + timedelta(days=days)


def day_in_month(today: date, months_ahead: int, day: int) -> date | None:
    """Day `day` of this month (0), next month (1) ..."""
    month = today.replace(day=1) + relativedelta(months=months_ahead)
    return build(month.year, month.month, day)


def next_day_of_month(today: date, day: int) -> date | None:
    """15号 / the 15th: this month's unless it has passed, then next month's."""
    return day_in_month(today, 0 if day >= today.day else 1, day)


def next_month_day(today: date, month: int, day: int) -> date | None:
    """12月20日 / Dec 20: the one within the next 12 months, today included -- this year's unless
    it has passed, then next year's. None when that year has no such day: 2月29号 said in
    January 2027 is no date (2027 has no 29 February), not 29 February 2028."""
    year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    return build(year, month, day)


def month_end(today: date, months_ahead: int) -> date:
    """月底 / end of the month: the last day of this month (0), next month (1)."""
    return today.replace(day=1) + relativedelta(months=months_ahead + 1, days=-1)


def named_month_end(today: date, month: int) -> date | None:
    """12月底: the end of December this year, or next year once it has passed."""
    if not 1 <= month <= 12:
        return None
    end = month_end(date(today.year, month, 1), 0)
    return end if end >= today else month_end(date(today.year + 1, month, 1), 0)


def weekday_in_week(today: date, weekday: int, weeks_ahead: int) -> date:
    """本周五 (0), 下周五 / next Friday (1), 下下周五 (2), 上周五 (-1): Friday of that week."""
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks=weeks_ahead, days=weekday)


def coming_weekday(today: date, weekday: int) -> date:
    """周五 / Friday: the next Friday after today (a week ahead when today is a Friday)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def month_or_day_first(today: date, first: int, second: int, year: int | None) -> date | None:
    """12/20 (month first, as most write it) or 20/12 when the first can't be a month."""
    month, day = (first, second) if first <= 12 else (second, first)
    if year is None:
        return next_month_day(today, month, day)
    return build(year, month, day)


def full_year(year: int) -> int:
    return year + 2000 if year < 100 else year
