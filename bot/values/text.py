"""The text the patterns read: Simplified, half-width, and exactly as long as the original.

Every span found in it is a span of the borrower's own text, so nothing needs mapping back
as long as each character stays one character.
"""
from __future__ import annotations

import unicodedata

from bot.language import to_simplified

# Full-width forms a Chinese keyboard produces (３５００, ￥, ＄, ％, －, ／) read as ASCII;
# the full-width comma (，) stays: it separates clauses, not thousands.
_KEEP_FULL_WIDTH = {"\uff0c"}
_EXTRA = {"\u2212": "-", "\u2013": "-", "\uffe5": "¥"}  # minus sign, en dash, full-width yen


def normalise(text: str) -> str:
    """Simplified, half-width text of the same length (characters that would change length
    stay as they are)."""
    simplified = to_simplified(text)
    if len(simplified) != len(text):  # a phrase conversion changed the length: go char by char
        simplified = "".join(_one_for_one(to_simplified(char), char) for char in text)
    return "".join(_half_width(char) for char in simplified)


def _half_width(char: str) -> str:
    if char in _EXTRA:
        return _EXTRA[char]
    if "\uff01" <= char <= "\uff5e" and char not in _KEEP_FULL_WIDTH:
        return _one_for_one(unicodedata.normalize("NFKC", char), char)
    return char


def _one_for_one(converted: str, original: str) -> str:
    return converted if len(converted) == 1 else original
