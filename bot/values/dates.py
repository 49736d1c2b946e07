"""Date rules: one table entry per way of naming a day, each read by a calendar function.

Chinese expressions and English calendar dates (Dec 20, 20th of December) are matched here and
resolved with calendar.py; English relative days and weekdays (tomorrow, Friday) go to
dateparser, with RELATIVE_BASE = today and PREFER_DATES_FROM = future. Weeks run Monday to
Sunday: 下周五, 下个Friday and next Friday are the Friday of next week; 周五 and Friday are the
first Friday after today. Words are read as borrowers spell them (spellings: nxt fri, 2morrow).
"""
from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from datetime import date, datetime, time

from spacy.tokens import Span

from bot.values import calendar
from bot.values.patterns import (
    NUM,
    Form,
    Outcome,
    Resolver,
    Rule,
    forms,
    glued,
    ignore,
    maybe,
    numbers,
    one,
    seq,
)

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
ENGLISH_RELATIVE = {  # as read (spellings: tmr, 2morrow → tomorrow) → as dateparser knows it
    "today": "today", "tonight": "today", "tomorrow": "tomorrow", "yesterday": "yesterday",
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
_FULL_MONTHS = (
    "january february march april may june july august september october november december"
).split()
MONTH_NUMBERS = {name: number for number, name in enumerate(_FULL_MONTHS, 1)}
MONTH_NUMBERS |= {name[:3]: number for name, number in MONTH_NUMBERS.items()} | {"sept": 9}
MONTH_NAMES = list(MONTH_NUMBERS)
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
# the parts of a month after 月: 月初 / 月头 the 1st · 月中 / 月中旬 the 15th · 月底 / 月尾 the last day
START, MIDDLE, END = ("初", "头"), ("中", "中 旬"), ("底", "尾")
MID_MONTH_DAY = 15
THIS, NEXT = ["本", "这", "这 个"], ["下", "下 个"]


def on(day: date | None) -> Outcome:
    return (day.isoformat(), None) if day is not None else (None, "no_such_date")


def english(text: str, today: date) -> date | None:
    import dateparser  # imported on first use: it takes a third of a second

    parsed = dateparser.parse(text, languages=["en"], settings={
        "RELATIVE_BASE": datetime.combine(today, time()), "PREFER_DATES_FROM": "future"})
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
    return on(english(ENGLISH_RELATIVE[" ".join(token.norm_ for token in span)], today))


def english_calendar(span: Span, today: date) -> Outcome | None:
    """Dec 20 · 20th of December · December 20, 2026. Without a year, the one within the next
    12 months (calendar.next_month_day). Not a date when the day can't be one (May 500)."""
    month = next(MONTH_NUMBERS[token.norm_] for token in span if token.norm_ in MONTH_NUMBERS)
    found = numbers(span)
    if not found or found[0] != found[0].to_integral_value() or not 0 <= found[0] <= 31:
        return None
    day, year = int(found[0]), found[1] if len(found) > 1 else None
    if year is None:
        return on(calendar.next_month_day(today, month, day))
    return on(calendar.build(int(year), month, day))


def numeric(today: date, first: int, second: int, third: int | None = None) -> date | None:
    """2026-12-20 · 2026/12/20 · 12/20 · 12/20/2026 · 20/12/2026."""
    if third is not None and first >= 1000:
        return calendar.build(first, second, third)
    year = calendar.full_year(third) if third is not None else None
    return calendar.month_or_day_first(today, first, second, year)


def weekday(weeks_ahead: int | None) -> Resolver:
    def resolve(span: Span, today: date) -> Outcome:
        last = span[-1].norm_
        day = ENGLISH_WEEKDAYS[last] if last in ENGLISH_WEEKDAYS else CHINESE_WEEKDAYS[last[-1]]
        if weeks_ahead is not None:
            return on(calendar.weekday_in_week(today, day, weeks_ahead))
        if last in ENGLISH_WEEKDAYS:
            return on(english(WEEKDAY_NAMES[day], today))
        return on(calendar.coming_weekday(today, day))

    return resolve


def weekday_forms(weeks_ahead: int | None) -> list[Form]:
    """下周五 · 下个星期五 · next Friday, and mixed: 下个Friday · 下礼拜Fri · 这个Mon · next 周五."""
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
    if weeks_ahead is None:
        return found
    for prefix in chinese:  # a Chinese week before an English day
        for unit in ("", *WEEK_UNITS):
            found += seq(glued(*prefix.split(), *unit.split()), one(*ENGLISH_WEEKDAYS))
    for prefix in english_prefixes:  # an English week before a Chinese day
        for unit in WEEK_UNITS:
            found += seq(forms(prefix),
                         glued(unit, one(*"一二三四五六")) + glued(unit, "日") + glued(unit, "天"))
    return found


def month_edge(prefixes: list[str], *tails: str) -> list[Form]:
    """月底 · 这个月底 · 下月底 · 月尾 · 下个月初 · 下個月頭 · 月中旬, however jieba cuts them."""
    return [
        form
        for prefix in prefixes
        for tail in tails
        for form in glued(*prefix.split(), "月", *tail.split())
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
    *month_edge(["", *THIS], *END),
    *seq(maybe("the"), forms(
        "end of the month", "end of this month", "end of month", "month end", "month - end", "eom",
    )),
]
NEXT_MONTH_ENDS = [*month_edge(NEXT, *END), *seq(maybe("the"), forms("end of next month"))]
# 月初 / 月头 alone, like 15号: this month's 1st if that is today, else next month's
COMING_MONTH_STARTS = [
    *month_edge([""], *START),
    *seq(maybe("the"), forms(
        "beginning of the month", "beginning of month", "start of the month", "start of month",
    )),
]
THIS_MONTH_STARTS = [
    *month_edge(THIS, *START),
    *seq(maybe("the"), forms("beginning of this month", "start of this month")),
]
NEXT_MONTH_STARTS = [
    *month_edge(NEXT, *START),
    *seq(maybe("the"), forms(
        "beginning of next month", "start of next month", "early next month", "first of next month",
    )),
]
# 月中 alone, like 15号: this month's 15th unless it has passed, then next month's
COMING_MONTH_MIDDLES = [
    *month_edge([""], *MIDDLE),
    *seq(maybe("the"), forms(
        "middle of the month", "middle of month", "mid month", "mid - month", "midmonth",
        "mid of the month", "mid of month",
    )),
]
THIS_MONTH_MIDDLES = [
    *month_edge(THIS, *MIDDLE),
    *seq(maybe("the"), forms("middle of this month", "mid this month", "mid of this month")),
]
NEXT_MONTH_MIDDLES = [
    *month_edge(NEXT, *MIDDLE),
    *seq(maybe("the"), forms("middle of next month", "mid next month", "mid of next month")),
]


def _ymd(today: date, year: int, month: int, day: int) -> date | None:
    return calendar.build(year, month, day)


def _this_month(today: date, day: int) -> date | None:
    return calendar.day_in_month(today, 0, day)


def _next_month(today: date, day: int) -> date | None:
    return calendar.day_in_month(today, 1, day)


def _named_month_start(today: date, month: int) -> date | None:
    """12月初: 1 December, within the next 12 months."""
    return calendar.next_month_day(today, month, 1)


def _named_month_middle(today: date, month: int) -> date | None:
    """12月中: 15 December, within the next 12 months."""
    return calendar.next_month_day(today, month, MID_MONTH_DAY)


RULES = [
    Rule("date_ymd", "date", seq(NUM, one("年"), NUM, one("月"), NUM, maybe("号", "日")),
         with_numbers(_ymd)),
    Rule("date_numeric", "date", NUMERIC_DATES, with_numbers(numeric)),
    Rule("date_month_day", "date", seq(NUM, one("月"), NUM, maybe("号", "日")),
         with_numbers(calendar.next_month_day)),
    Rule("date_named_month_end", "date", seq(NUM, month_edge([""], *END)),
         with_numbers(calendar.named_month_end)),
    Rule("date_named_month_start", "date", seq(NUM, month_edge([""], *START)),
         with_numbers(_named_month_start)),
    Rule("date_named_month_middle", "date", seq(NUM, month_edge([""], *MIDDLE)),
         with_numbers(_named_month_middle)),
    Rule("date_english_calendar", "date", ENGLISH_CALENDAR, english_calendar, cues=THE),
    Rule("date_month_of_year", None, seq(one(*MONTH_NAMES), maybe(","), YEAR_TOKEN), ignore),  # Dec 2026
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
    Rule("date_coming_month_start", "date", COMING_MONTH_STARTS,
         fixed(lambda today: calendar.next_day_of_month(today, 1)), cues=THE),
    Rule("date_this_month_start", "date", THIS_MONTH_STARTS,
         fixed(lambda today: calendar.day_in_month(today, 0, 1)), cues=THE),
    Rule("date_next_month_start", "date", NEXT_MONTH_STARTS,
         fixed(lambda today: calendar.day_in_month(today, 1, 1)), cues=THE),
    Rule("date_coming_month_middle", "date", COMING_MONTH_MIDDLES,
         fixed(lambda today: calendar.next_day_of_month(today, MID_MONTH_DAY)), cues=THE),
    Rule("date_this_month_middle", "date", THIS_MONTH_MIDDLES,
         fixed(lambda today: calendar.day_in_month(today, 0, MID_MONTH_DAY)), cues=THE),
    Rule("date_next_month_middle", "date", NEXT_MONTH_MIDDLES,
         fixed(lambda today: calendar.day_in_month(today, 1, MID_MONTH_DAY)), cues=THE),
    Rule("date_relative", "date", [form for word in RELATIVE_DAYS for form in glued(*word)],
         relative_day),
    Rule("date_english_relative", "date", seq(maybe("the"), forms(*ENGLISH_RELATIVE)),
         english_relative, cues=THE),
    *[
        Rule(f"date_weekday_{ahead}", "date", weekday_forms(ahead), weekday(ahead))
        for ahead in WEEK_PREFIXES
    ],
]
