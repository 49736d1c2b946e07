"""Dates as the reader writes them: `5 Dec 2026`, `2026年12月5日`; on a quick reply, short and
with the weekday: `Sat 5 Dec`, `12月5日（周六）`."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from babel import Locale
from babel.dates import format_date

from bot.clock import zone

DATE_PATTERNS = {"en": "d MMM yyyy", "zh": "y年M月d日"}
DAY_PATTERNS = {"en": "EEE d MMM", "zh": "M月d日（EEE）"}
LOCALES = {"en": Locale.parse("en_GB"), "zh": Locale.parse("zh_Hans_CN")}  # parsed once


def show_date(day: date, language: str) -> str:
    language = language if language in DATE_PATTERNS else "en"
    return format_date(day, DATE_PATTERNS[language], locale=LOCALES[language])


def show_day(day: date, language: str) -> str:
    language = language if language in DAY_PATTERNS else "en"
    return format_date(day, DAY_PATTERNS[language], locale=LOCALES[language])


def show_moment(moment: datetime, today: date, timezone: str, language: str) -> str:
    """When something happened, in the borrower's zone: `today at 10:14` / `今天 10:14`,
    `yesterday at 09:05` / `昨天 09:05`, else `on 20 Nov 2026 at 18:30` / `2026年11月20日 18:30`."""
    local = moment.astimezone(zone(timezone))
    clock = f"{local:%H:%M}"
    zh = language == "zh"
    if local.date() == today:
        return f"今天 {clock}" if zh else f"today at {clock}"
    if local.date() == today - timedelta(days=1):
        return f"昨天 {clock}" if zh else f"yesterday at {clock}"
    day = show_date(local.date(), language)
    return f"{day} {clock}" if zh else f"on {day} at {clock}"
