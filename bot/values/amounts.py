"""Amount rules: 3500 · 3,500 · ¥3500 · 3500元 · 三千五百块 · 3.5k · 3千5 · $200 · 200 dollars ·
HK$1,200.50 · 五百蚊 · 1.2万 · 500 bucks · five hundred · 三块五毛 · -500 · 负500 · 10^12."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from spacy.tokens import Span

from bot.values.numbers import MULTIPLIERS, has_magnitude, plain
from bot.values.patterns import (
    NUM,
    NUMERIC,
    TOO_LARGE,
    Outcome,
    Rule,
    forms,
    is_numeral,
    maybe,
    numbers,
    one,
    quantity,
    seq,
)

PREFIXES = forms(
    "¥", "$", "£", "€", "hk $", "us $", "nt $", "s $", "rmb", "cny", "hkd", "usd", "ntd", "twd",
    "sgd", "人民币", "港币", "港元", "美元", "美金", "台币", "新台币",
)
SUFFIXES = forms(
    "元", "块", "块钱", "块 钱", "元整", "蚊", "圆", "dollars", "dollar", "bucks", "buck", "yuan",
    "kuai", "rmb", "cny", "hkd", "usd", "ntd", "twd", "sgd", "人民币", "港币", "港元", "港纸",
    "美元", "美金", "台币", "新台币",
)
NO_SUFFIX: list = [[]]
SIGNS = ("-", "负", "minus", "negative")
SIGN = maybe(*SIGNS)
MULTIPLIER = one(*MULTIPLIERS)
MAX_DECIMALS = 4  # what the money columns hold (NUMERIC(19, 4)); a currency may allow fewer


def money(value: Decimal | None) -> Outcome | None:
    if value is None or value.is_nan():
        return None
    if value < 0:
        return None, "negative"
    if value >= TOO_LARGE:
        return None, "too_large"
    if value == 0:
        return None, "zero"
    if value.as_tuple().exponent < -MAX_DECIMALS:
        return None, "too_many_decimals"
    return plain(value), None


def amount(span: Span, today: date) -> Outcome | None:
    sign, value = _sign(span), quantity(span)
    if sign is None or value is None:
        return None
    return money(sign * value)


def bare_amount(span: Span, today: date) -> Outcome | None:
    """A number on its own is an amount if it reads as one: 500, 三千五, five hundred; not the
    一 of 一下, the 五 of 周五 or 'one' in 'one question'."""
    return amount(span, today) if has_magnitude(span.text) else None


def power(span: Span, today: date) -> Outcome | None:
    """10^12: a way of writing 'a huge amount'."""
    found = numbers(span)
    if len(found) != 2:
        return None
    base, exponent = found
    if base > 1 and exponent > 100:  # no need to compute 10^1000000 to know it is too large
        return None, "too_large"
    return money(base**exponent)


def kuai_mao(span: Span, today: date) -> Outcome | None:
    """三块五毛: 3 yuan and 5 jiao (tenths)."""
    found = numbers(span)
    if len(found) != 2 or not 0 <= found[1] < 10:
        return None
    return money(found[0] + found[1] / 10)


def _sign(span: Span) -> int | None:
    """-1 for a minus sign before the number, 1 for none; None for a dash that is no sign:
    500-1000 (a range), 'pay - 500' (a dash). The - of twenty-five is a hyphen."""
    lead = itertools.takewhile(lambda token: not is_numeral(token), span)
    signs = [token for token in lead if token.lower_ in SIGNS]
    if not signs:
        return 1
    dash = signs[0]
    if dash.lower_ == "-":
        before = span.doc[dash.i - 1] if dash.i > 0 else None
        if dash.whitespace_ or (before is not None and is_numeral(before) and not before.whitespace_):
            return None
    return -1


RULES = [
    Rule("amount_prefixed", "amount",
         seq(SIGN, PREFIXES, SIGN, NUMERIC, maybe(*MULTIPLIERS), SUFFIXES + NO_SUFFIX), amount),
    Rule("amount_suffixed", "amount", seq(SIGN, NUMERIC, maybe(*MULTIPLIERS), SUFFIXES), amount),
    Rule("amount_power", "amount", seq(NUM, one("^", "**"), NUM, SUFFIXES + NO_SUFFIX), power),
    Rule("amount_kuai_mao", "amount", seq(NUM, one("块"), NUM, one("毛")), kuai_mao),
    Rule("amount_scaled", "amount", seq(SIGN, NUMERIC, MULTIPLIER), amount),
    Rule("amount_bare", "amount", seq(SIGN, NUMERIC), bare_amount),
]
