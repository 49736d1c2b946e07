"""bot/language.py: the script a borrower writes in, and Traditional Chinese replies."""
from __future__ import annotations

import pytest

from bot.language import EN, HANS, HANT, ZH, detect_script, language_of_script, next_script, to_traditional


@pytest.mark.parametrize(
    "text, script",
    [
        ("我还欠多少钱", HANS),
        ("能不能延期还款", HANS),
        ("我還欠多少錢", HANT),
        ("能不能延期還款", HANT),
        ("how much do I owe?", EN),
        ("hi", EN),
        ("你好", ZH),  # written the same in both scripts
        ("好的，可以", ZH),
        ("还款 please", HANS),  # mixed: the Chinese decides
        ("這個 ok", HANT),
        ("你好 hi", ZH),
        ("我还欠多少錢", ZH),  # one of each script: undecided
        ("我还欠的钱還不上", HANS),  # two Simplified-only characters against one Traditional
        ("我還欠的錢还不上", HANT),
        ("😀👍", None),
        ("12345", None),
        ("500", None),
        ("？", None),
        ("", None),
        ("   ", None),
        ("¥3500", None),
    ],
)
def test_detect_script(text, script):
    assert detect_script(text) == script


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        (None, "我还欠多少钱", HANS),
        (None, "我還欠多少錢", HANT),
        (None, "hello", EN),
        (HANT, "hello", EN),  # switching to English follows the borrower
        (EN, "我還欠多少錢", HANT),
        (None, "你好", HANS),  # ambiguous Chinese defaults to Simplified ...
        (HANT, "你好", HANT),  # ... but keeps a known Chinese script
        (HANS, "你好", HANS),
        (EN, "你好", HANS),
        (HANT, "😀", HANT),  # no language: keep what was there
        (EN, "12345", EN),
        (None, "👍", None),
        (HANS, "我還欠多少錢", HANT),
    ],
)
def test_next_script(previous, text, expected):
    assert next_script(previous, text) == expected


@pytest.mark.parametrize(
    "simplified, traditional",
    [
        ("我还欠多少钱", "我還欠多少錢"),
        ("您的还款日期是12月15日，应还金额¥1,095.00。", "您的還款日期是12月15日，應還金額¥1,095.00。"),
        ("转人工", "轉人工"),
        ("你好", "你好"),
        ("how much do I owe", "how much do I owe"),
        ("😀 12345", "😀 12345"),
        ("", ""),
    ],
)
def test_to_traditional(simplified, traditional):
    assert to_traditional(simplified) == traditional


def test_language_of_script():
    assert [language_of_script(s) for s in (EN, HANS, HANT, ZH, None)] == ["en", "zh", "zh", "zh", None]
