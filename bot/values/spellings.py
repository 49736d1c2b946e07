"""Borrower spellings of the English words that mark values: typos and shorthand, each read as
the one word it stands for (installemnts → instalments, nxt → next, mnth → month, wks → weeks,
2morrow → tomorrow).

A closed table, never fuzzy matching: a word is read as another only when it is listed here, so
no value is ever invented from a near miss. tokens.tokenize gives every token its reading as
its NORM (the lower-cased text when it is not listed), and the rule patterns match NORMs.
"""
from __future__ import annotations

import re


def _with_plurals(canonical: str, *singulars: str) -> dict[str, str]:
    """instalmnt → instalment and instalmnts → instalments."""
    return dict.fromkeys(singulars, canonical) | {f"{word}s": f"{canonical}s" for word in singulars}


SPELLINGS: dict[str, str] = {
    # instalment(s) / installment(s): dropped, doubled and swapped letters
    **_with_plurals(
        "instalment",
        "instalmnt", "installmnt", "instlmnt", "instllmnt", "installemnt", "instalemnt",
        "installement", "instalement", "instalmet", "installmet", "instllment", "instlment",
        "intallment", "intalment", "instalmant", "installmant", "instalmt", "installmt", "instlmt",
        "instal", "instl",
    ),
    **_with_plurals("payment", "paymnt", "paymt", "pymnt", "pymt", "pmt", "paymet"),
    # next · this
    "nxt": "next", "nex": "next", "nxet": "next", "nexr": "next", "ths": "this",
    # units: month · week · day
    **_with_plurals("month", "mnth", "mth", "mo", "monh"),
    "monthes": "months",
    **_with_plurals("week", "wk", "wek", "weeek"),
    "wkz": "weeks",
    **_with_plurals("day", "dy"),
    "dayz": "days",
    # tomorrow · today · tonight · yesterday
    **dict.fromkeys((
        "2morrow", "2morow", "2moro", "2morro", "2mrw", "2mro", "2mr", "tmr", "tmrw", "tmw",
        "tmrow", "tmrrw", "tmoro", "tomorow", "tommorow", "tommorrow", "tomoro", "tomorro",
        "tomrw", "tomm",
    ), "tomorrow"),
    "tdy": "today", "tonite": "tonight", "2nite": "tonight", "2night": "tonight",
    "yday": "yesterday", "yest": "yesterday", "yesterdy": "yesterday", "ystrdy": "yesterday",
    # weekdays written out wrong (the short forms fri, mon, tue(s), wed, thu(r)(s), sat and sun
    # are weekdays in dates.ENGLISH_WEEKDAYS already)
    "mondy": "monday", "tuseday": "tuesday", "teusday": "tuesday", "tuesdy": "tuesday",
    "wensday": "wednesday", "wendsday": "wednesday", "wedensday": "wednesday",
    "wednsday": "wednesday", "wednesdy": "wednesday", "thurday": "thursday",
    "thrusday": "thursday", "thursdy": "thursday", "firday": "friday", "fryday": "friday",
    "fridy": "friday", "saterday": "saturday", "satuday": "saturday", "sundy": "sunday",
    # months
    "febuary": "february", "feburary": "february", "januray": "january", "agust": "august",
    "septmber": "september", "octber": "october", "novmber": "november", "decmber": "december",
    # money words
    "dollers": "dollars", "dolars": "dollars", "dollas": "dollars",
}
# Spellings with a digit in them (2morrow) stay one token: numbers are otherwise cut apart.
_WITH_DIGITS = sorted((word for word in SPELLINGS if re.search("[0-9]", word)), key=len, reverse=True)
GLUED = re.compile(
    rf"(?<![0-9A-Za-z])(?:{'|'.join(map(re.escape, _WITH_DIGITS))})(?![0-9A-Za-z])", re.IGNORECASE
)


def reading(word: str) -> str:
    """The word a borrower's spelling stands for, lower-cased (itself when not a listed one)."""
    lower = word.lower()
    return SPELLINGS.get(lower, lower)
