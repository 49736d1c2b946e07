"""Instalment and duration rules: 分6期 · 六期 · 分成十二期 · 3個月分期 · 6 instalments · six
monthly payments · split it into 3 | 延期两周 · 晚10天 · 一个星期 · 半个月 · 俩礼拜 · 仨月 · a fortnight ·
3 days · 2 wks. A sign before the number makes it negative (延期-5天, -3 instalments, 负两周).

Months are instalments after 分 / over / split (分6个月, over 6 months) and days otherwise
(延期一个月 → 30): a month counts 30 days, a week 7, a fortnight 14.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from spacy.tokens import Span

from bot.values.numbers import is_number
from bot.values.patterns import (
    NUM,
    NUMERIC,
    SIGN,
    Outcome,
    Rule,
    count,
    forms,
    glued,
    maybe,
    numbers,
    one,
    seq,
    sign,
    signed,
)

# 分 · 分成 · 拆成 · 分开; jieba keeps 我分 or 想分 together at times
SPLIT_INTO = {"LOWER": {"REGEX": r"^(?:我|想|要|能|可以)?(?:分|拆|拆分|分开|分期)(?:成|为|做)?$"}}
INSTALMENT_WORDS = (
    "instalments", "installments", "instalment", "installment", "payments", "payment", "parts",
    "repayments", "tranches",
)
PAYMENT_KINDS = ("monthly", "equal", "weekly", "separate", "smaller", "more")
SPLIT_VERBS = ("split", "splitting", "spread", "spreading", "divide", "dividing", "break", "breaking")
SPLIT_OBJECTS = (
    "it", "this", "that", "them", "the", "debt", "loan", "balance", "amount", "up", "payment", "bill",
)
PIECES = ("parts", "pieces", "chunks", "lots", "goes")
MONTH_WORDS = ("months", "month")  # and as borrowers spell them (spellings: mths, mos)
CLEARED = ("还清", "付清", "还完", "付完", "还", "付", "清")
INSTALMENT_PLAN = ("分期", "分期付款", "分期还款", "分期还", "分期付")
DELAY_WORDS = (  # 晚10日 / 遲10日 / 多俾我三日: 日 counts days after these (else 10日 is a date)
    "晚", "迟", "延", "延期", "延迟", "推迟", "延后", "宽限", "多", "再", "俾", "给", "给我",
    "俾我", "多俾", "缓", "拖",
)
WITHIN = ("内", "之内", "以内")

UNIT_DAYS = {
    "天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "月": 30,
    "day": 1, "days": 1, "week": 7, "weeks": 7, "fortnight": 14, "fortnights": 14, "month": 30,
    "months": 30,
}
# 两月 / 俩月 / 仨月 are two and three months (二月, 三月 are February and March)
SPOKEN_MONTHS = one("两", "俩", "仨")
# a month too short to stand alone: 'a mo' is a moment
BARE_ABBREVIATIONS = ("mo", "mos")
A_WORDS = ("a", "an", "another", "one")
# one more day · 1 mo day (mo, read as month when alone, is 'more' before a unit)
EXTRA = [[], [one("more", "extra", "additional", "further", "other")], [{"LOWER": "mo"}]]
RATE_WORDS = ("once", "twice", "times", "per")
CHINESE_WEEK = [*(form for unit in ("周", "星期", "礼拜") for form in glued("个", unit)),
                *forms("周", "星期", "礼拜")]
CHINESE_MONTH = glued("个", "月")
ENGLISH_UNIT = one(*[unit for unit in UNIT_DAYS if unit.isascii()])


def instalments(span: Span, today: date) -> Outcome | None:
    return count(signed(span))


def days(span: Span, today: date) -> Outcome | None:
    """A number of a unit (两周, 10 days, 半个月, -5天) in days."""
    return count(signed(span), _unit_days(span))


def months_and_half(span: Span, today: date) -> Outcome | None:
    """一个半月: one and a half months."""
    total = sum(numbers(span), Decimal(0))
    direction = sign(span)
    return None if direction is None else count(direction * total, 30)


def one_unit(span: Span, today: date) -> Outcome | None:
    """a week · another month · half a month; not 'once a week' or '500 a month' (a rate)."""
    before = span.doc[span.start - 1] if span.start > 0 else None
    if before is not None and (is_number(before.text) or before.norm_ in RATE_WORDS):
        return None
    if span[-1].lower_ in BARE_ABBREVIATIONS:
        return None
    half = any(token.norm_ == "half" for token in span)
    return count(Decimal("0.5") if half else Decimal(1), _unit_days(span))


def _unit_days(span: Span) -> int:
    words = (token.norm_.removeprefix("个") for token in reversed(span))
    return next(UNIT_DAYS[word] for word in words if word in UNIT_DAYS)


RULES: list[Rule] = [
    Rule("instalments_qi", "instalments", seq(SIGN, NUM, one("期")), instalments),
    Rule("instalments_split_times", "instalments", seq(SPLIT_INTO, SIGN, NUM, one("次", "份", "笔")),
         instalments, from_number=True),
    Rule("instalments_times_cleared", "instalments", seq(SIGN, NUM, one("次"), one(*CLEARED)),
         instalments, cues=frozenset(CLEARED)),
    Rule("instalments_split_months", "instalments",
         seq(SPLIT_INTO, SIGN, NUMERIC, CHINESE_MONTH + forms("月", *MONTH_WORDS)),
         instalments, from_number=True),
    Rule("instalments_months_split", "instalments",
         seq(SIGN, NUMERIC, CHINESE_MONTH + forms(*MONTH_WORDS), maybe("的"), one(*INSTALMENT_PLAN)),
         instalments, cues=frozenset({"的", *INSTALMENT_PLAN})),
    Rule("instalments_english", "instalments",
         seq(SIGN, NUMERIC, maybe(*PAYMENT_KINDS), one(*INSTALMENT_WORDS)), instalments),
    Rule("instalments_month_plan", "instalments",
         seq(SIGN, NUM, maybe("-"), one("month"), one(*INSTALMENT_WORDS, "plan"), maybe("plan")),
         instalments),
    Rule("instalments_split_into", "instalments",
         seq(one(*SPLIT_VERBS), {"NORM": {"IN": list(SPLIT_OBJECTS)}, "OP": "*"},
             one("into", "in", "over", "across"), SIGN, NUMERIC,
             [[], [one(*MONTH_WORDS)], [one(*PIECES, *INSTALMENT_WORDS)]]),
         instalments, from_number=True),
    Rule("instalments_over_months", "instalments",
         seq(one("over", "across"), SIGN, NUMERIC, one(*MONTH_WORDS)), instalments, from_number=True),
    Rule("duration_days", "duration_days", seq(SIGN, NUM, one("天")), days),
    Rule("duration_days_within", "duration_days", seq(NUM, one("日", "天"), one(*WITHIN)), days,
         cues=frozenset(WITHIN)),
    Rule("duration_days_delay", "duration_days",
         seq(one(*DELAY_WORDS), maybe("我", "多"), SIGN, NUM, one("日", "月")), days, from_number=True),
    Rule("duration_weeks", "duration_days", seq(SIGN, NUM, CHINESE_WEEK), days),
    Rule("duration_months", "duration_days", seq(SIGN, NUM, CHINESE_MONTH), days),
    Rule("duration_months_spoken", "duration_days", seq(SIGN, SPOKEN_MONTHS, one("月")), days),
    Rule("duration_months_and_half", "duration_days",
         seq(SIGN, NUM, one("个"), one("半"), one("月")), months_and_half),
    Rule("duration_english", "duration_days", seq(SIGN, NUMERIC, EXTRA, maybe("-"), ENGLISH_UNIT), days),
    Rule("duration_one_unit", "duration_days",
         seq(one(*A_WORDS), EXTRA, ENGLISH_UNIT) + seq(one("half"), one("a", "an"), ENGLISH_UNIT),
         one_unit),
]
