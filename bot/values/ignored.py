"""Numbers that are no value: times (3点, 3pm, 10:30), percentages (5%, 百分之五), ordinals
(第2期, 2nd payment), counts of other things (3个孩子, 2 kids, 3次, 2026年), ranges (2-3 days,
5到6期), how often (every two weeks, 每两周), account and loan numbers (L-1001, 尾号1234, #1001)
and mobile numbers. Matched so that they are not read as amounts."""
from __future__ import annotations

from datetime import date

from spacy.tokens import Span

from bot.values.patterns import NUM, NUMERIC, Outcome, Rule, forms, ignore, maybe, one, seq

ORDINALS = ("st", "nd", "rd", "th")
COUNTED = one(
    "点", "点钟", "点半", "个", "次", "岁", "年", "笔", "张", "倍", "人", "位", "家", "单",
    "条", "分钟", "小时", "钟", "%", "楼", "层", "折", "成",
)
COUNTED_ENGLISH = one(
    "am", "pm", "o'clock", "oclock", "years", "year", "yrs", "yr", "hours", "hour", "hrs", "hr",
    "minutes", "minute", "mins", "min", "seconds", "secs", "times", "time", "percent", "%", "kids",
    "children", "people", "loans", "accounts", "calls", "messages", "texts", "apps", "cards",
)
# 3月 (March, with no day); but 两月 / 俩月 / 仨月 are months counted (counts.SPOKEN_MONTHS)
MONTH_NUMBER = {"NORM": {"REGEX": NUM["LOWER"]["REGEX"], "NOT_IN": ["两", "俩", "仨"]}}
ORDINAL_THINGS = one(
    "instalment", "installment", "payment", "bill", "month", "time", "loan", "call", "notice",
    "reminder", "期",
)
ID_WORDS = one(
    "尾号", "卡号", "账号", "编号", "订单号", "合同号", "单号", "工号", "号码", "手机号", "电话",
    "手机", "身份证", "ref", "reference", "id", "number", "account", "acct", "card", "order",
    "contract", "ending", "phone", "#",
)
ID_JOINERS = maybe("是", "为", ":", "：", "is", "number", "no", ".", "#", "in", "of")
RANGE = one("-", "~", "to", "or", "到", "至", "或", "或者")
RANGED_UNITS = one(
    "天", "日", "周", "星期", "礼拜", "月", "个", "期", "次", "days", "day", "weeks", "week",
    "months", "month", "instalments", "installments", "payments",
)


def ignore_compact(span: Span, today: date) -> Outcome | None:
    """L-1001, written as one word ('pay -500' is a payment)."""
    return None if any(token.whitespace_ for token in span[:-1]) else (None, None)


RULES = [
    Rule("ignore_range", None, seq(NUMERIC, RANGE, NUMERIC, RANGED_UNITS), ignore),
    Rule("ignore_every", None, seq(one("every", "each", "每", "每隔"), NUMERIC, maybe("个"), RANGED_UNITS),
         ignore),
    Rule("ignore_counted", None,
         seq(NUM, COUNTED) + seq(MONTH_NUMBER, one("月")) + seq(NUMERIC, COUNTED_ENGLISH), ignore),
    Rule("ignore_clock", None,
         seq(NUM, one(":", "："), NUM) + seq(NUM, one("点"), NUM, one("分"))
         + seq(NUM, forms("a . m", "p . m", "o ' clock")), ignore),
    Rule("ignore_ordinal", None,
         seq(one("第"), NUM, maybe("期", "次", "个", "笔", "月"))
         + seq(NUM, one(*ORDINALS), ORDINAL_THINGS), ignore),
    Rule("ignore_percent", None, seq(forms("百分之", "百 分之"), NUM) + seq(NUM, forms("per cent")),
         ignore),
    Rule("ignore_identifier", None, seq(ID_WORDS, ID_JOINERS, NUM), ignore),
    Rule("ignore_code", None, seq({"LOWER": {"REGEX": r"^[a-z]{1,3}$"}}, one("-"), NUM),
         ignore_compact),
    Rule("ignore_mobile", None, [[{"TEXT": {"REGEX": r"^1[3-9][0-9]{9}$"}}]], ignore),
    Rule("ignore_24_7", None, [[one("24"), one("/"), one("7")]], ignore),
]
