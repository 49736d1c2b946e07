"""Patterns of personal data in free text, in one place: the log mask (bot/logs.py) and what
trainers are shown of borrowers' messages (bot/training/masking.py) find the same things.

Each pattern finds candidates; `is_phone` says whether a PHONE candidate is one (a date or a
short group of digits is not).
"""
from __future__ import annotations

import re

# Digits and letters glued to a match make it part of a longer word or number.
ASCII_EDGE_BEFORE = r"(?<![A-Za-z0-9_])"
ASCII_EDGE_AFTER = r"(?![A-Za-z0-9_])"

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Phone numbers: an optional +country code, then digit groups split by single spaces, dashes
# or parentheses, 7 or more digits in all (see `is_phone`). Dates (2026-01-15) are kept.
PHONE = re.compile(ASCII_EDGE_BEFORE + r"(?:\+\d{1,3}[ -]?)?(?:\(\d{1,4}\)[ -]?)?\d{2,5}(?:[ -]\d{2,5}){1,4}"
                   + ASCII_EDGE_AFTER)
# Card numbers: 13 to 19 digits, in one run or in groups of four (6222 0212 3456 7890).
CARD = re.compile(ASCII_EDGE_BEFORE + r"(?:\d{13,19}|\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?)"
                  + ASCII_EDGE_AFTER)
# ID, card and account numbers: 8 or more digits in a row (a Chinese ID may end in X).
LONG_NUMBER = re.compile(ASCII_EDGE_BEFORE + r"\d{8,}[Xx]?" + ASCII_EDGE_AFTER)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # 2026-01-15 (10:30), never a phone number
MIN_PHONE_DIGITS = 7


def is_phone(found: str) -> bool:
    """Whether a PHONE candidate is a phone number."""
    return sum(ch.isdigit() for ch in found) >= MIN_PHONE_DIGITS and not DATE.search(found)
