"""What a trainer may read of a borrower's message: the words, without personal data.

Masked, in this order: the borrower's own name (bot/db's borrowers row) in the forms it is
written in — as stored, in Simplified and Traditional, a Chinese given name on its own (小明 of
王小明) or the family name with a title (王先生), each part of a Latin name — then e-mail
addresses, card numbers, phone numbers and other runs of 8 or more digits (the log mask's
patterns, bot/personal_data.py), then amounts of money, as the bot's own value extraction
finds them (¥1,234.50, HK$300, 3000元, 三千五百块, "pay 500 on Friday"), which tells them from
a date, a count of instalments or a duration ("6 months", "15号" stay).

Not masked: someone else's name the text happens to mention (nothing tells it from other words).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from bot import personal_data
from bot.language import HAN, to_simplified, to_traditional

NAME, EMAIL, CARD, PHONE, NUMBER, AMOUNT = "[name]", "[email]", "[card]", "[phone]", "[number]", "[amount]"
TITLES = ("先生", "女士", "小姐", "太太")
MIN_PART = 2  # a one-letter initial or a one-character given name would mask ordinary words
_LATIN_LETTER = "A-Za-z\u00c0-\u024f"
_SEPARATORS = re.compile(r"[\s·・.,'’-]+")


def mask_text(text: str, names: Iterable[str] = ()) -> str:
    """`text` as a trainer may read it; `names` are the borrower's (their borrowers row)."""
    for form in name_forms(names):
        text = form.sub(NAME, text)
    text = personal_data.EMAIL.sub(EMAIL, text)
    text = personal_data.CARD.sub(CARD, text)
    text = personal_data.PHONE.sub(_phone, text)
    text = personal_data.LONG_NUMBER.sub(NUMBER, text)
    return _mask_amounts(text)


def _phone(found: re.Match[str]) -> str:
    return PHONE if personal_data.is_phone(found[0]) else found[0]


def name_forms(names: Iterable[str]) -> list[re.Pattern[str]]:
    """A pattern for each form of the names, the longest first (it may hold the shorter)."""
    forms: set[str] = set()
    for name in names:
        forms |= _forms(" ".join(str(name).split()))
    return [_pattern(form) for form in sorted(forms, key=len, reverse=True)]


def _forms(name: str) -> set[str]:
    forms = {name} if name else set()
    chinese = "".join(HAN.findall(name))
    for written in {chinese, to_simplified(chinese), to_traditional(chinese)} - {""}:
        forms |= {written, *(written[0] + title for title in TITLES)}
        forms |= {written[start:] for start in (1, 2) if len(written) - start >= MIN_PART}
    latin = {part for part in _SEPARATORS.split(name) if len(part) >= MIN_PART and not HAN.search(part)}
    return forms | latin


def _pattern(form: str) -> re.Pattern[str]:
    if HAN.search(form):  # Chinese has no spaces between words: the characters anywhere
        return re.compile(re.escape(form))
    # Latin: a whole word, in any case ("ann" in "Anna" or "annual" is not the name)
    return re.compile(rf"(?<![{_LATIN_LETTER}]){re.escape(form)}(?![{_LATIN_LETTER}])", re.IGNORECASE)


def _mask_amounts(text: str) -> str:
    from bot.values.extract import extract_values  # spaCy and jieba: loaded on first use

    amounts = [value for value in extract_values(text, date.today()) if value.entity == "amount"]
    for value in reversed(amounts):  # from the end: the earlier offsets stay true
        text = text[:value.start] + AMOUNT + text[value.end:]
    return text
