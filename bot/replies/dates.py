"""Dates as the reader writes them: `5 Dec 2026`, `2026年12月5日`; on a quick reply, short and
with the weekday: `Sat 5 Dec`, `12月5日（周六）`."""
from __future__ import annotations

from datetime import date

from babel.dates import format_date

DATE_PATTERNS = {"en": "d MMM yyyy", "zh": "y年M月d日"}
DAY_PATTERNS = {"en": "EEE d MMM", "zh": "M月d日（EEE）"}
LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN"}


def show_date(day: date, language: str) -> str:
    language = language if language in DATE_PATTERNS else "en"
    return format_date(day, DATE_PATTERNS[language], locale=LOCALES[language])


def show_day(day: date, language: str) -> str:
    language = language if language in DAY_PATTERNS else "en"
    return format_date(day, DAY_PATTERNS[language], locale=LOCALES[language])
