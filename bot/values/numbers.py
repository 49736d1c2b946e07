"""Numbers as borrowers write them: 3,500 · 1250.50 · 1e12 · 三千五 · 一千二百 · 两万 · 1.2万 ·
3千5 · 半 · five hundred, and colloquially 俩 (2) · 仨 (3) · 千五 (1500) · 萬二 (12000) · 百五 (150).
Exact Decimals (cn2an for Chinese numerals, after COLLOQUIAL), never float."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import reduce

CN_DIGITS = "零〇一二两三四五六七八九"
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
_UNITS = "".join(CN_UNITS)
# Spoken numerals cn2an does not know, read as the written ones: 俩 (liǎ, two) and 仨 (sā, three).
COLLOQUIAL = str.maketrans({"俩": "两", "仨": "三"})
_DIGITS = CN_DIGITS + "俩仨"
_NONZERO = "[一二两三四五六七八九俩仨]"

# One number, one token: the tokenizer cuts text at these runs. A Chinese numeral starts with a
# digit or 十, so 千万 (by all means) and 百分之 are not numbers; or with 百 / 千 / 万 and a digit,
# the 一 left out (千五, 万二, 百五), though never 万一 (in case).
NUMBER_RUN = re.compile(
    rf"[0-9]+(?:\.[0-9]+)?[{_UNITS}]+(?:[0-9]+[{_UNITS}]*)*"  # 3千5, 1.2万, 1万2千
    r"|[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"  # 3,500 · 1,200.50
    r"|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"  # 3500 · 3.5 · 1e12
    rf"|[{_DIGITS}十][{_DIGITS}{_UNITS}]*(?:点[{CN_DIGITS}]+)?"  # 三千五 · 三点五 · 俩 · 俩万
    rf"|(?:[百千]{_NONZERO}|万[二两三四五六七八九俩仨])[{_DIGITS}{_UNITS}]*"  # 千五 · 万二 · 百五
    r"|半"
)
_UNIT_FIRST = re.compile(rf"[百千万]{_NONZERO}")  # 千五: one thousand five (hundred)
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_SCALED = re.compile(rf"([0-9]+(?:\.[0-9]+)?)([{_UNITS}]+)")  # 1.2万: the Arabic part may be decimal
# 两三 / 俩三 (two or three), 三五 (a few), 十五六 (15 or 16): estimates, not numbers; unless the
# numeral is four or more digits with no 十百千万亿: a year written digit by digit (二零二六).
_ESTIMATE = re.compile(rf"(?<!{_NONZERO})({_NONZERO}){{2,3}}(?!{_NONZERO})")
_TO_CHINESE = str.maketrans("0123456789", "零一二三四五六七八九")
_DIGIT_VALUES = str.maketrans(CN_DIGITS, "001223456789")

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
SMALL_WORDS = {word: value for value, word in enumerate(_ONES)}
SMALL_WORDS |= {word: 10 * (i + 2) for i, word in enumerate(_TENS)}
SCALE_WORDS = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9,
               "trillion": 10**12}
NUMBER_WORDS = frozenset(SMALL_WORDS) | frozenset(SCALE_WORDS)
# Written after a number: 3.5k, 3w (万), 1.2 million, 3,500万, 2 grand.
MULTIPLIERS = {"k": 10**3, "w": 10**4, "grand": 10**3, "mn": 10**6, "bn": 10**9}
MULTIPLIERS |= SCALE_WORDS | CN_UNITS


def is_number(text: str) -> bool:
    return NUMBER_RUN.fullmatch(text) is not None


def parse_number(text: str) -> Decimal | None:
    """The value of one number token (None for a Chinese numeral that is not one)."""
    text = text.replace(",", "")
    if _PLAIN.fullmatch(text):
        return _plain_number(text)
    if text == "半":
        return Decimal("0.5")
    scaled = _SCALED.fullmatch(text)
    if scaled:
        return Decimal(scaled[1]) * reduce(lambda a, b: a * b, (CN_UNITS[c] for c in scaled[2]))
    text = text.translate(COLLOQUIAL)
    if text[0] in "百千万":  # 千五 · 万二 · 百五; 千八百, 百八十 are estimates (a thousand or so)
        if not _UNIT_FIRST.fullmatch(text):
            return None
        text = "一" + text
    whole, _, fraction = text.partition("点")
    if _ESTIMATE.search(whole) and not _digit_by_digit(whole):
        return None
    integer = _chinese_integer(whole.translate(_TO_CHINESE))  # 3千5 reads as 三千五
    if integer is None or not fraction:
        return integer
    try:
        return Decimal(f"{integer}.{fraction.translate(_DIGIT_VALUES)}")
    except InvalidOperation:
        return None


def _plain_number(text: str) -> Decimal:
    """3500, 3.5, 1e12; an exponent past any context's reach (1e99999999999) is 'huge'."""
    _, _, exponent = text.lower().partition("e")
    if exponent and abs(int(exponent)) > 10_000:
        return Decimal("Infinity") if int(exponent) > 0 else Decimal("1e-10000")
    return Decimal(text)


def _digit_by_digit(text: str) -> bool:
    return len(text) >= 4 and not any(unit in text for unit in CN_UNITS)


def _chinese_integer(text: str) -> Decimal | None:
    import cn2an  # imported on first use: it takes a fifth of a second

    try:
        value = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    return Decimal(value) if isinstance(value, int) else None


def parse_words(words: list[str]) -> Decimal | None:
    """five hundred and twenty → 520; None unless every word is part of the number."""
    total = current = 0
    for word in words:
        if word in ("and", "-"):
            continue
        if word in SMALL_WORDS:
            current += SMALL_WORDS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in SCALE_WORDS:
            total, current = total + (current or 1) * SCALE_WORDS[word], 0
        else:
            return None
    return Decimal(total + current)


def has_magnitude(text: str) -> bool:
    """Whether a number reads as money on its own: digits (500), or a numeral with hundreds or
    more (三千五, five hundred) -- 一 in 一下, 五 in 周五 or 'one' in 'one question' do not."""
    words = text.lower().split()
    return bool(re.search(r"[0-9百千万亿]", text)) or any(word in SCALE_WORDS for word in words)


def plain(number: Decimal) -> str:
    """1250.50 → '1250.5', 3.5E+3 → '3500': no exponent, no trailing zeros."""
    return format(number.normalize(), "f")
