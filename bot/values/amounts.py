"""Amount rules: 3500 · 3,500 · ¥3500 · 3500元 · 三千五百块 · 3.5k · 3千5 · $200 · 200 dollars ·
HK$1,200.50 · 五百蚊 · 千五蚊 · 1.2万 · 萬二 · 500 bucks · five hundred · 三块五毛 · 兩嚿水 · -500 ·
负500 · 10^12."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from spacy.tokens import Span

from bot.values.numbers import MULTIPLIERS, has_magnitude, plain
from bot.values.patterns import (
    NUM,
    NUMERIC,
    SIGN,
    SIGNS,
    Outcome,
    Rule,
    forms,
    glued,
    is_numeral,
    maybe,
    numbers,
    one,
    seq,
    sign,
    signed,
    size_problem,
)

PREFIXES = forms(
    "¥", "$", "£", "€", "hk $", "us $", "nt $", "s $", "rmb", "cny", "hkd", "usd", "ntd", "twd",
    "sgd", "人民币", "港币", "港元", "美元", "美金", "台币", "新台币",
)
SUFFIXES = forms(
    "元", "块", "块钱", "块 钱", "元整", "蚊", "圆", "dollars", "dollar", "bucks", "buck", "yuan",
    "kuai", "蚊鸡", "蚊 鸡", "rmb", "cny", "hkd", "usd", "ntd", "twd", "sgd", "人民币", "港币", "港元",
    "港纸", "美元", "美金", "台币", "新台币",
)
NO_SUFFIX: list = [[]]
# Cantonese money slang: a unit worth so many dollars (兩嚿水 / 兩舊水 = 200)
SLANG_UNITS = {"嚿水": 100, "旧水": 100}
SLANG = [form for word in SLANG_UNITS for form in glued(*word)]
SLANG_AND_A_HALF = seq(one(*(word[0] for word in SLANG_UNITS)), one("半"), one("水"))  # 兩嚿半水 = 250
# a slang unit alone is one of it (借我嚿水 = 100), but only where the word can't be another:
# 旧水 alone is old water
SLANG_ALONE = glued("嚿", "水")
MULTIPLIER = one(*MULTIPLIERS)
MAX_DECIMALS = 4  # what the money columns hold (NUMERIC(19, 4)); a currency may allow fewer


def money(value: Decimal | None) -> Outcome | None:
    if value is None or value.is_nan():
        return None
    problem = size_problem(value)
    exponent = value.as_tuple().exponent  # an int: NaN is out, and infinity is too large
    if problem is None and isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        problem = "too_many_decimals"
    return (None, problem) if problem else (plain(value), None)


def amount(span: Span, today: date) -> Outcome | None:
    return money(signed(span))


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


def slang(span: Span, today: date) -> Outcome | None:
    """兩嚿水 = 2 × 100 · 嚿水 = 100 · 半嚿水 = 50 · 兩嚿半水 = 2.5 × 100."""
    unit = "".join(token.norm_ for token in span if not is_numeral(token) and token.norm_ not in SIGNS)
    if unit not in SLANG_UNITS:
        return None
    found = numbers(span)
    if len(found) == 2 and span[-2].norm_ == "半":  # 兩嚿半水
        direction = sign(span)
        value = None if direction is None else direction * sum(found, Decimal(0))
    else:
        value = signed(span) if found else Decimal(1)
    return money(None if value is None else value * SLANG_UNITS[unit])


def kuai_mao(span: Span, today: date) -> Outcome | None:
    """三块五毛: 3 yuan and 5 jiao (tenths)."""
    found = numbers(span)
    if len(found) != 2 or not 0 <= found[1] < 10:
        return None
    return money(found[0] + found[1] / 10)


RULES = [
    Rule("amount_prefixed", "amount",
         seq(SIGN, PREFIXES, SIGN, NUMERIC, maybe(*MULTIPLIERS), SUFFIXES + NO_SUFFIX), amount),
    Rule("amount_suffixed", "amount", seq(SIGN, NUMERIC, maybe(*MULTIPLIERS), SUFFIXES), amount),
    Rule("amount_power", "amount", seq(NUM, one("^", "**"), NUM, SUFFIXES + NO_SUFFIX), power),
    Rule("amount_slang", "amount",
         seq(SIGN, NUMERIC, SLANG + SLANG_AND_A_HALF) + SLANG_ALONE, slang),
    Rule("amount_kuai_mao", "amount", seq(NUM, one("块"), NUM, one("毛")), kuai_mao),
    Rule("amount_scaled", "amount", seq(SIGN, NUMERIC, MULTIPLIER), amount),
    Rule("amount_bare", "amount", seq(SIGN, NUMERIC), bare_amount),
]
