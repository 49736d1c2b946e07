"""Which language and script a borrower writes in, and Traditional Chinese for replies.

The bot keeps one Chinese wording (Simplified); a borrower who writes Traditional reads the
replies converted with OpenCC (Simplified to Traditional, Taiwan/Hong Kong phrasing aside).
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")

EN, HANS, HANT, ZH = "en", "hans", "hant", "zh"


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text)


def comparable(text: str) -> str:
    """A sentence as sentences are compared for sameness (is an evaluation sentence trained
    on?): lower case, Simplified, no whitespace or punctuation."""
    text = to_simplified(str(text).lower())
    return "".join(char for char in text
                   if not char.isspace() and not unicodedata.category(char).startswith("P"))


def detect_script(text: str) -> str | None:
    """en, hans or hant; zh for Chinese written the same in both scripts (你好); None when
    the message says nothing about language (digits, emoji, '?')."""
    han = "".join(HAN.findall(text))
    if not han:
        return EN if LATIN.search(text) else None
    traditional_chars = _changed(han, to_simplified(han))  # would change to Simplified
    simplified_chars = _changed(han, to_traditional(han))  # would change to Traditional
    if traditional_chars > simplified_chars:
        return HANT
    if simplified_chars > traditional_chars:
        return HANS
    return ZH


def next_script(previous: str | None, text: str) -> str | None:
    """The script to reply in after this message: ambiguous Chinese keeps a known Chinese
    script, and a message with no language keeps whatever was there."""
    detected = detect_script(text)
    if detected is None:
        return previous
    if detected == ZH:
        return previous if previous in (HANS, HANT) else HANS
    return detected


def _changed(original: str, converted: str) -> int:
    return sum(1 for a, b in zip(original, converted, strict=False) if a != b)


def language_of_script(script: str | None) -> str | None:
    """The response language (en | zh) of a script."""
    if script is None:
        return None
    return EN if script == EN else ZH
