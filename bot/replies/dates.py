"""Dates as the reader writes them: `5 Dec 2026`, `2026年12月5日`."""
from __future__ import annotations

from datetime import date

from babel.dates import format_date

DATE_PATTERNS = {"en": "d MMM yyyy", "zh": "y年M月d日"}
LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN"}


def show_date(day: date, language: str) -> str:
    language = language if language in DATE_PATTERNS else "en"
    return format_date(day, DATE_PATTERNS[language], locale=LOCALES[language])
