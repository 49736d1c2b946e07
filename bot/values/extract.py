"""Values in a borrower's message: amounts, dates, instalment counts and durations (CONTRACT §2).

Every rule's patterns go into one spaCy Matcher over values.tokens. Of overlapping matches the
one of most tokens wins (下个月15号 over 15号, 6 instalments over 6, 24/7 over 7 calls), then
the longest in characters, then the earlier rule in RULES. A match its rule turns down (a
dash that is a range, the 一 of 一下) leaves the text to the other matches.
"""
from __future__ import annotations

import decimal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from bot.values import amounts, counts, dates, ignored
from bot.values.patterns import SIGNS, Rule, is_numeral
from bot.values.tokens import pipeline, tokenize

# 1e999999k or 0^0 give Infinity or NaN, which the rules turn into too_large or nothing,
# rather than raising.
ARITHMETIC = decimal.Context(prec=40, traps=[decimal.DivisionByZero])

# Order settles ties between matches of one size: text that holds no value first.
RULES: list[Rule] = [*ignored.RULES, *dates.RULES, *counts.RULES, *amounts.RULES]
BY_KEY = {rule.key: (order, rule) for order, rule in enumerate(RULES)}
ENTITIES = ("amount", "date", "instalments", "duration_days")  # CONTRACT §2


@dataclass(frozen=True)
class Value:
    entity: str  # one of ENTITIES
    start: int  # character span in the original text
    end: int
    text: str  # text[start:end]
    value: str | None  # normalised (CONTRACT §2); None when it can't be
    # None, or why not: no_such_date, negative, too_large, zero, not_a_whole_number,
    # too_many_decimals
    problem: str | None


@cache
def matcher() -> Matcher:
    found = Matcher(pipeline().vocab, validate=True)
    for rule in RULES:
        found.add(rule.key, rule.patterns)
    return found


def extract_values(text: str, today: date) -> list[Value]:
    """The values in text, sorted by start and not overlapping."""
    doc = tokenize(text)
    taken = [False] * len(doc)
    values = []
    for _, rule, start, end in sorted(_candidates(doc), key=lambda candidate: candidate[0]):
        if any(taken[start:end]):
            continue
        span = _core(doc[start:end], rule)
        with decimal.localcontext(ARITHMETIC):
            outcome = rule.resolve(span, today)
        if outcome is None:
            continue
        taken[start:end] = [True] * (end - start)
        if rule.entity is not None:
            begin, finish = span.start_char, span.end_char
            values.append(Value(rule.entity, begin, finish, text[begin:finish], *outcome))
    return sorted(values, key=lambda value: value.start)


def _candidates(doc: Doc) -> Iterator[tuple[tuple[int, int, int, int], Rule, int, int]]:
    for match_id, start, end in matcher()(doc):
        order, rule = BY_KEY[doc.vocab.strings[match_id]]
        length = doc[end - 1].idx + len(doc[end - 1]) - doc[start].idx
        yield (start - end, -length, order, start), rule, start, end


def _core(span: Span, rule: Rule) -> Span:
    """The span without the words around the value (the in 'the 15th', 分 in 分6期); a sign
    before the number stays (分-3期 → -3期)."""
    start, end = span.start, span.end
    if rule.from_number:
        while start < end - 1 and not is_numeral(span.doc[start]):
            start += 1
        if start > span.start and span.doc[start - 1].norm_ in SIGNS:
            start -= 1
    while start < end - 1 and span.doc[start].norm_ in rule.cues:
        start += 1
    while end > start + 1 and span.doc[end - 1].norm_ in rule.cues:
        end -= 1
    return span.doc[start:end]

