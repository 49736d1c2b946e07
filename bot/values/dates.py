"""Date rules: one table entry per way of naming a day, each read by a calendar function.

Chinese expressions are matched here and resolved with calendar.py; English ones that
dateparser reads well (tomorrow, Friday, Dec 20, 20th of December) go to dateparser, with
RELATIVE_BASE = today and PREFER_DATES_FROM = future. Weeks run Monday to Sunday: 下周五 and
next Friday are the Friday of next week; 周五 and Friday are the first Friday after today.
"""
from __future__ import annotations

import inspect
import re
from datetime import date, datetime, time
from typing import Callable

from spacy.tokens import Span

from bot.values import calendar
from bot.values.patterns import NUM, Form, Outcome, Resolver, Rule, forms, glued, maybe, numbers, one, seq

THE = frozenset({"the"})
ORDINALS = ("st", "nd", "rd", "th")
YEAR = re.compile(r"(?:19|20)[0-9]{2}")
YEAR_TOKEN = {"LOWER": {"REGEX": f"^{YEAR.pattern}$"}}
YEAR_TAIL = [[], [YEAR_TOKEN], [one(","), YEAR_TOKEN]]

RELATIVE_DAYS = {  # Mandarin and Cantonese (听日 tomorrow, 琴日 / 寻日 yesterday)
    "今天": 0, "今日": 0, "今晚": 0, "明天": 1, "明日": 1, "听日": 1, "明早": 1, "明晚": 1,
    "后天": 2, "后日": 2, "大后天": 3, "大后日": 3,
    "昨天": -1, "昨日": -1, "寻日": -1, "琴日": -1, "前天": -2, "前日": -2,
}
ENGLISH_RELATIVE = {  # as the borrower writes it → as dateparser knows it
    "today": "today", "tonight": "today", "tomorrow": "tomorrow", "tmr": "tomorrow",
    "tmrw": "tomorrow", "tmw": "tomorrow", "tomorow": "tomorrow", "yesterday": "yesterday",
    "day after tomorrow": "day after tomorrow", "day before yesterday": "day before yesterday",
}
CHINESE_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
ENGLISH_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "weds": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
AMBIGUOUS_ALONE = {"sat", "sun"}  # weekdays only after next / this / last
WEEKDAY_NAMES = "monday tuesday wednesday thursday friday saturday sunday".split()
MONTH_NAMES = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
WEEK_UNITS = ("周", "星期", "礼拜")

# weeks ahead of this week (None: the first such day after today) → (Chinese, English) prefixes
WEEK_PREFIXES: dict[int | None, tuple[list[str], list[str]]] = {
    None: ([""], ["", "coming", "this coming"]),
    0: (["这", "这 个", "本"], ["this"]),
    1: (["下", "下 个", "下 一 个"], ["next"]),
    2: (["下 下", "下 下 个"], []),
    -1: (["上", "上 个"], ["last"]),
}
THIS_MONTH = [*glued("本", "月"), *glued("这", "个", "月"), *glued("这", "月"), *forms("this month")]
NEXT_MONTH = [*glued("下", "个", "月"), *glued("下", "月"), *forms("next month")]


def on(day: date | None) -> Outcome:
    return (day.isoformat(), None) if day is not None else (None, "no_such_date")


def english(text: str, today: date) -> date | None:
    import dateparser  # imported on first use: it takes a third of a second

    settings = {"RELATIVE_BASE": datetime.combine(today, time()), "PREFER_DATES_FROM": "future"}
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed is not None else None


def with_numbers(read: Callable[..., date | None]) -> Resolver:
    """A resolver calling read(today, *the span's numbers): as many as read takes, all whole."""
    parameters = list(inspect.signature(read).parameters.values())[1:]
    least = sum(1 for parameter in parameters if parameter.default is parameter.empty)

    def resolve(span: Span, today: date) -> Outcome | None:
        found = numbers(span)
        if not least <= len(found) <= len(parameters):  # a numeral that is none (十五六)
            return None
        if any(number != number.to_integral_value() or number > 9999 for number in found):
            return None
        return on(read(today, *(int(number) for number in found)))

    return resolve


def fixed(read: Callable[[date], date | None]) -> Resolver:
    return lambda span, today: on(read(today))


def relative_day(span: Span, today: date) -> Outcome:
    return on(calendar.days_from(today, RELATIVE_DAYS["".join(span.text.split())]))


def english_relative(span: Span, today: date) -> Outcome:
    return on(english(ENGLISH_RELATIVE[span.text.lower()], today))


def english_calendar(span: Span, today: date) -> Outcome:
    """Dec 20 · 20th of December · December 20, 2026: dateparser reads it. Without a year, the
    next such day from today on (dateparser's 'future' skips today; its Feb 29 can be 4 years
    ahead)."""
    parsed = english(span.text, today)
    if parsed is None or any(YEAR.fullmatch(token.text) for token in span):
        return on(parsed)
    return on(calendar.next_month_day(today, parsed.month, parsed.day))


def numeric(today: date, first: int, second: int, third: int | None = None) -> date | None:
    """2026-12-20 · 2026/12/20 · 12/20 · 12/20/2026 · 20/12/2026."""
    if third is not None and first >= 1000:
        return calendar.build(first, second, third)
    year = calendar.full_year(third) if third is not None else None
    return calendar.month_or_day_first(today, first, second, year)


def weekday(weeks_ahead: int | None) -> Resolver:
    def resolve(span: Span, today: date) -> Outcome:
        last = span[-1].lower_
        day = ENGLISH_WEEKDAYS[last] if last in ENGLISH_WEEKDAYS else CHINESE_WEEKDAYS[last[-1]]
        if weeks_ahead is not None:
            return on(calendar.weekday_in_week(today, day, weeks_ahead))
        if last in ENGLISH_WEEKDAYS:
            return on(english(WEEKDAY_NAMES[day], today))
        return on(calendar.coming_weekday(today, day))

    return resolve


def weekday_forms(weeks_ahead: int | None) -> list[Form]:
    chinese, english_prefixes = WEEK_PREFIXES[weeks_ahead]
    found: list[Form] = []
    for prefix in chinese:
        for unit in WEEK_UNITS:
            pieces = [*prefix.split(), unit]
            found += glued(*pieces, one(*"一二三四五六"))
            found += glued(*pieces, "日") + glued(*pieces, "天")
    days = [day for day in ENGLISH_WEEKDAYS if weeks_ahead is not None or day not in AMBIGUOUS_ALONE]
    for prefix in english_prefixes:
        found += seq(forms(prefix) if prefix else [[]], one(*days))
    return found


def month_edge(prefixes: list[str], *tails: str) -> list[Form]:
    """月底 · 这个月底 · 下月底 · 月尾 · 下个月初, however jieba cuts them."""
    return [
        form
        for prefix in prefixes
        for tail in tails
        for form in glued(*prefix.split(), "月", tail)
    ]


def day_of(month: list[Form]) -> list[Form]:
    """下个月15号 · 下月15日 · 这个月的25号."""
    return seq(month, maybe("的"), NUM, maybe("号", "日"))


ORDINAL_DAY = seq(maybe("the"), NUM, one(*ORDINALS))
ENGLISH_CALENDAR = [
    *seq(one(*MONTH_NAMES), maybe("."), NUM, maybe(*ORDINALS), YEAR_TAIL),
    *seq(maybe("the"), NUM, maybe(*ORDINALS), maybe("of"), one(*MONTH_NAMES), maybe("."), YEAR_TAIL),
    *seq(one(*MONTH_NAMES), one("the"), NUM, maybe(*ORDINALS), YEAR_TAIL),
]
NUMERIC_DATES = [
    *seq(NUM, one("-"), NUM, one("-"), NUM),
    *seq(NUM, one("/"), NUM, one("/"), NUM),
    *seq(NUM, one("/"), NUM),
]
MONTH_ENDS = [
    *month_edge(["", "本", "这", "这 个"], "底", "尾"),
    *seq(maybe("the"), forms(
        "end of the month", "end of this month", "end of month", "month end", "month - end", "eom",
    )),
]
NEXT_MONTH_ENDS = [*month_edge(["下", "下 个"], "底", "尾"), *seq(maybe("the"), forms("end of next month"))]
NEXT_MONTH_STARTS = [
    *month_edge(["", "下", "下 个"], "初"),
    *seq(maybe("the"), forms(
        "beginning of next month", "start of next month", "early next month", "first of next month",
    )),
]


def _ymd(today: date, year: int, month: int, day: int) -> date | None:
    return calendar.build(year, month, day)


def _this_month(today: date, day: int) -> date | None:
    return calendar.day_in_month(today, 0, day)


def _next_month(today: date, day: int) -> date | None:
    return calendar.day_in_month(today, 1, day)


RULES = [
    Rule("date_ymd", "date", seq(NUM, one("年"), NUM, one("月"), NUM, maybe("号", "日")),
         with_numbers(_ymd)),
    Rule("date_numeric", "date", NUMERIC_DATES, with_numbers(numeric)),
    Rule("date_month_day", "date", seq(NUM, one("月"), NUM, maybe("号", "日")),
         with_numbers(calendar.next_month_day)),
    Rule("date_named_month_end", "date", seq(NUM, month_edge([""], "底", "尾")),
         with_numbers(calendar.named_month_end)),
    Rule("date_english_calendar", "date", ENGLISH_CALENDAR, english_calendar, cues=THE),
    Rule("date_this_month_day", "date",
         day_of(THIS_MONTH) + seq(ORDINAL_DAY, maybe("of"), forms("this month")),
         with_numbers(_this_month), cues=THE),
    Rule("date_next_month_day", "date",
         day_of(NEXT_MONTH) + seq(ORDINAL_DAY, maybe("of"), forms("next month")),
         with_numbers(_next_month), cues=THE),
    Rule("date_day", "date", seq(NUM, one("号", "日")) + ORDINAL_DAY,
         with_numbers(calendar.next_day_of_month), cues=THE),
    Rule("date_month_end", "date", MONTH_ENDS, fixed(lambda today: calendar.month_end(today, 0)),
         cues=THE),
    Rule("date_next_month_end", "date", NEXT_MONTH_ENDS,
         fixed(lambda today: calendar.month_end(today, 1)), cues=THE),
    Rule("date_next_month_start", "date", NEXT_MONTH_STARTS,
         fixed(lambda today: calendar.day_in_month(today, 1, 1)), cues=THE),
    Rule("date_relative", "date", [form for word in RELATIVE_DAYS for form in glued(*word)],
         relative_day),
    Rule("date_english_relative", "date", seq(maybe("the"), forms(*ENGLISH_RELATIVE)),
         english_relative, cues=THE),
    *[
        Rule(f"date_weekday_{ahead}", "date", weekday_forms(ahead), weekday(ahead))
        for ahead in WEEK_PREFIXES
    ],
]
