"""The vocabulary of the rule tables: token patterns for spaCy's Matcher, and a Rule.

A form is one way of writing something, token by token: forms("下个月", "下 个 月", "next month")
is three forms, and seq(A, B) every form of A followed by every form of B. Words are matched on
each token's NORM: the normalised text (text.normalise) lower-cased, or the word a borrower's
spelling stands for (spellings.reading: nxt → next).
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import product

from spacy.tokens import Span, Token

from bot.values.numbers import (
    MULTIPLIERS,
    NUMBER_RUN,
    NUMBER_WORDS,
    is_number,
    parse_number,
    parse_words,
    plain,
)

TokenSpec = dict
Form = list[TokenSpec]
Part = TokenSpec | list[Form]
Outcome = tuple[str | None, str | None]  # (value, problem)
Resolver = Callable[[Span, date], Outcome | None]  # None: not this rule's after all

NUM: TokenSpec = {"LOWER": {"REGEX": f"^(?:{NUMBER_RUN.pattern})$"}}
NUMBER_WORD: TokenSpec = {"NORM": {"IN": sorted(NUMBER_WORDS)}}
MORE_NUMBER_WORDS: TokenSpec = {"NORM": {"IN": sorted(NUMBER_WORDS | {"-", "and"})}, "OP": "*"}
NUMERIC: list[Form] = [[NUM], [NUMBER_WORD, MORE_NUMBER_WORDS]]  # 500 · 三千五 · five hundred
TOO_LARGE = Decimal(10) ** 12
SIGNS = ("-", "负", "minus", "negative")  # before a number: -500 · 负两周 · minus 3 days


@dataclass(frozen=True)
class Rule:
    key: str
    entity: str | None  # None: text that holds a number but no value (3点, 5%, 第2期, L-1001)
    patterns: list[Form]
    resolve: Resolver
    cues: frozenset[str] = frozenset()  # leading/trailing words that are not part of the value
    from_number: bool = False  # the value starts at the number (分6期 → 6期, split into 6 → 6)


def one(*words: str) -> TokenSpec:
    return {"NORM": words[0]} if len(words) == 1 else {"NORM": {"IN": list(words)}}


def maybe(*words: str) -> TokenSpec:
    return {**one(*words), "OP": "?"}


SIGN = maybe(*SIGNS)


def forms(*written: str) -> list[Form]:
    """Each string one form, its tokens separated by spaces: forms("下个月", "下 个 月")."""
    return [[one(word) for word in text.split(" ")] for text in written]


def glued(*pieces: str | TokenSpec) -> list[Form]:
    """Every way jieba may segment these pieces: glued("下", "个", "月") is 下个月, 下个 月, 下 个月
    and 下 个 月. A token spec (a number, say) stands alone: numbers are always their own token."""
    if not pieces:
        return [[]]
    first, rest = pieces[0], pieces[1:]
    if isinstance(first, dict):
        return [[first, *form] for form in glued(*rest)]
    found = []
    head = ""
    for end, piece in enumerate(pieces, 1):
        if isinstance(piece, dict):
            break
        head += piece
        found += [[one(head), *form] for form in glued(*pieces[end:])]
    return found


def seq(*parts: Part) -> list[Form]:
    """Every combination of one form of each part, in order; a bare token spec is one form."""
    choices = [[[part]] if isinstance(part, dict) else part for part in parts]
    return [[token for form in combination for token in form] for combination in product(*choices)]


def is_numeral(token: Token) -> bool:
    """A number token (500, 三千五) or a number word (five)."""
    return is_number(token.text) or token.norm_ in NUMBER_WORDS


def numbers(span: Span) -> list[Decimal]:
    """The numbers in a span, in order: each number token, and each run of number words."""
    found: list[Decimal | None] = []  # None: a number that does not parse
    words: list[str] = []
    for token in [*span, None]:
        word = token.norm_ if token is not None else ""
        if word in NUMBER_WORDS or (words and word in ("-", "and")):
            words.append(word)
            continue
        if words:
            found.append(parse_words(words))
            words = []
        if token is not None and is_number(token.text):
            found.append(parse_number(token.text))
    return [number for number in found if number is not None]


def quantity(span: Span) -> Decimal | None:
    """The one number in a span, times the multipliers after it (3.5k, 1 trillion, 3,500万);
    or the number its words spell (five thousand)."""
    digits = [token for token in span if is_number(token.text)]
    if not digits:
        found = numbers(span)
        return found[0] if len(found) == 1 else None
    value = parse_number(digits[0].text) if len(digits) == 1 else None
    if value is None:
        return None
    for token in span[digits[0].i - span.start + 1 :]:
        value *= MULTIPLIERS.get(token.norm_, 1)
    return value


def sign(span: Span) -> int | None:
    """-1 for a minus sign before the number, 1 for none; None for a dash that is no sign:
    500-1000 (a range), 'pay - 500' (a dash). The - of twenty-five is a hyphen."""
    lead = itertools.takewhile(lambda token: not is_numeral(token), span)
    signs = [token for token in lead if token.norm_ in SIGNS]
    if not signs:
        return 1
    dash = signs[0]
    if dash.norm_ == "-":
        before = span.doc[dash.i - 1] if dash.i > 0 else None
        if dash.whitespace_ or (before is not None and is_numeral(before) and not before.whitespace_):
            return None
    return -1


def signed(span: Span) -> Decimal | None:
    """The span's quantity with the sign before it: 负两周 → -2, -3 instalments → -3."""
    direction, value = sign(span), quantity(span)
    return None if direction is None or value is None else direction * value


def size_problem(value: Decimal) -> str | None:
    """What rules out any quantity a borrower gives: below zero, absurdly large, or nothing."""
    if value < 0:
        return "negative"
    if value >= TOO_LARGE:
        return "too_large"
    if value == 0:
        return "zero"
    return None


def count(value: Decimal | None, unit: int = 1) -> Outcome | None:
    """A whole, positive count (instalments, days) as a value, else the problem with it."""
    if value is None or value.is_nan():
        return None
    value *= unit
    problem = size_problem(value)
    if problem is None and value != value.to_integral_value():
        problem = "not_a_whole_number"
    return (None, problem) if problem else (plain(value), None)


def ignore(span: Span, today: date) -> Outcome:
    return None, None
