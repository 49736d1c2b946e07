"""Which of the borrower's loans a message means: its id ("L-2004"), its currency ("the HKD
loan", 美元那笔) or its place in the list the borrower was shown ("the second one", 第二笔).

Read on its own, a message names a loan only plainly: an id, a currency, an ordinal with a
word for a loan after it. Read as the answer to "which loan?", it may be terser: "2", "第二",
"2004" (the digits of an id).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.language import to_simplified


@dataclass(frozen=True)
class LoanRef:
    """A loan as the borrower can refer to it."""

    loan_id: str
    currency: str


# How borrowers write a currency, lower case and Simplified. "元" and "dollar" alone are left
# out: every amount has the one and four currencies are the other.
CURRENCY_WORDS: dict[str, tuple[str, ...]] = {
    "CNY": ("cny", "rmb", "renminbi", "yuan", "人民币", "人仔"),
    "HKD": ("hkd", "hk$", "hk dollar", "hong kong dollar", "港币", "港元", "港纸"),
    "USD": ("usd", "us$", "us dollar", "american dollar", "美元", "美金"),
    "SGD": ("sgd", "s$", "singapore dollar", "新币", "新加坡元", "新元", "坡币"),
    "TWD": ("twd", "ntd", "nt$", "taiwan dollar", "新台币", "台币"),
    "MOP": ("mop", "pataca", "澳门币", "澳门元", "葡币"),
}

ORDINAL_WORDS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "last": -1, "latter": -1, "former": 1,
}
CHINESE_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "头": 1}

_NOT_ALNUM_BEFORE, _NOT_ALNUM_AFTER = r"(?<![a-z0-9])", r"(?![a-z0-9])"
_EN_ORDINAL = re.compile(_NOT_ALNUM_BEFORE + r"(" + "|".join(ORDINAL_WORDS) + r")" + _NOT_ALNUM_AFTER
                         + r"((\s+[a-z$]+)?\s+(one|loan|debt|account))?")
# 第二笔 / 第2个 / 最后一笔 / 头一笔; 第二期 or 第二天 is an instalment or a day, not a loan.
_ZH_ORDINAL = re.compile(r"(第\s*([一二两三四五\d])|最后|头)\s*(一)?\s*(笔|个|项|份|张)?")
_LOAN_WORD_AFTER = re.compile(r"\s*(one|loan|debt|account|笔|个|项|份|借款|贷款)")
SHORT_ANSWER_WORDS, SHORT_ANSWER_CHARS = 3, 6  # "the second", 第二个吧: an ordinal on its own


def loans_named(text: str, loans: Sequence[LoanRef], *, answering: bool = False) -> tuple[str, ...]:
    """The ids of the loans the message means, in the order of `loans` (the order the borrower
    was shown them); none when it names no loan. Several when it could mean several ("the HKD
    loan" with two in HKD): the caller asks again."""
    said = to_simplified(text).lower()
    by_id = [loan for loan in loans if _names_id(said, loan.loan_id, answering)]
    if by_id:
        return tuple(loan.loan_id for loan in by_id)
    currencies = {code for code, words in CURRENCY_WORDS.items() if any(_has_word(said, w) for w in words)}
    pool = [loan for loan in loans if loan.currency in currencies] if currencies else list(loans)
    place = _ordinal(said, answering)
    if place is not None:
        index = place - 1 if place > 0 else len(pool) + place
        return (pool[index].loan_id,) if 0 <= index < len(pool) else ()
    return tuple(loan.loan_id for loan in pool) if currencies else ()


def _names_id(said: str, loan_id: str, answering: bool) -> bool:
    """"L-2004", "l2004", "L 2004"; and, answering, its digits alone ("2004")."""
    parts = re.findall(r"[a-z]+|\d+", loan_id.lower())
    if not parts:
        return False
    separators = r"[\s\-_－—.#]*"
    pattern = _NOT_ALNUM_BEFORE + separators.join(re.escape(part) for part in parts) + _NOT_ALNUM_AFTER
    if re.search(pattern, said):
        return True
    digits = "".join(part for part in parts if part.isdigit())
    return answering and len(digits) >= 2 and re.search(
        r"(?<!\d)" + re.escape(digits) + r"(?!\d)", said) is not None


def _has_word(said: str, word: str) -> bool:
    if not word.isascii():
        return word in said
    return re.search(_NOT_ALNUM_BEFORE + re.escape(word) + _NOT_ALNUM_AFTER, said) is not None


def _ordinal(said: str, answering: bool) -> int | None:
    """The place in the list a message names: 1 for the first, -1 for the last."""
    short = answering and (len(said.split()) <= SHORT_ANSWER_WORDS if said.isascii()
                           else len(said.strip()) <= SHORT_ANSWER_CHARS)
    english = _EN_ORDINAL.search(said)
    if english and (english.group(2) or short):
        return ORDINAL_WORDS[english.group(1)]
    chinese = _ZH_ORDINAL.search(said)
    plainly = chinese is not None and (chinese.group(4) or _LOAN_WORD_AFTER.match(said, chinese.end()))
    if chinese and (plainly or (short and chinese.group(2))):
        return _chinese_place(chinese.group(1), chinese.group(2))
    bare = re.fullmatch(r"\s*(no\.?\s*|#|第)?\s*(\d)\s*[.。!！]?\s*", said)
    return int(bare.group(2)) if answering and bare else None


def _chinese_place(word: str, number: str | None) -> int:
    if word == "最后":
        return -1
    if word == "头" or number is None:  # 第 always has its number
        return 1
    return int(number) if number.isdigit() else CHINESE_NUMBERS[number]
