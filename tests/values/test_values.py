"""bot/values: finding and normalising amounts, dates, instalments and durations.

The measurement set tests/nlu/entities.yml is run case by case (every case must pass but those
in XFAIL), then each module on its own.
"""
from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
import yaml

from bot.values import Value, calendar, extract_values
from bot.values.measure import NOTHING, case_today, entity_accuracy, judge
from bot.values.numbers import has_magnitude, is_number, parse_number, parse_words, plain
from bot.values.spellings import SPELLINGS, reading
from bot.values.text import normalise
from bot.values.tokens import tokenize

ROOT = Path(__file__).resolve().parents[2]
CASES = yaml.safe_load((ROOT / "tests/nlu/entities.yml").read_text(encoding="utf-8"))
ENTITIES = ("amount", "date", "instalments", "duration_days")
LANGS = ("en", "zh-Hans", "zh-Hant", "mixed")
PROBLEMS = {"no_such_date", "negative", "too_large", "zero", "not_a_whole_number", "too_many_decimals"}
XFAIL: dict[str, str] = {}  # text → why it is expected to fail (none today)


def found(text: str, today: date = date(2026, 10, 14)) -> list[tuple[str, str | None, str | None]]:
    return [(value.entity, value.value, value.problem) for value in extract_values(text, today)]


# ------------------------------------------------------------------ the measurement set


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.xfail(reason=XFAIL[case["text"]], strict=True))
        if case["text"] in XFAIL
        else case
        for case in CASES
    ],
    ids=[f"{number}-{case['lang']}-{case['text']}" for number, case in enumerate(CASES)],
)
def test_case(case):
    values = extract_values(case["text"], case_today(case))
    wrong = {entity for entity, right in judge(case, values).items() if not right}
    assert not wrong, [(value.entity, value.text, value.value, value.problem) for value in values]


def test_case_set_is_broad_enough():
    assert len(CASES) >= 330
    langs = Counter(case["lang"] for case in CASES)
    assert set(langs) == set(LANGS) and min(langs.values()) >= 50, langs
    per_entity = Counter(entity for case in CASES for entity in {item["entity"] for item in case["expected"]})
    assert set(per_entity) == set(ENTITIES) and min(per_entity.values()) >= 60, per_entity
    nothing_or_rejected = [
        case for case in CASES
        if not case["expected"] or any(item.get("problem") for item in case["expected"])
    ]
    assert len([case for case in CASES if not case["expected"]]) >= 30
    assert len(nothing_or_rejected) >= 60
    todays = {case_today(case) for case in CASES}
    assert date(2028, 2, 27) in todays and any(today.month == 12 and today.day >= 28 for today in todays)


def test_case_set_is_well_formed():
    for case in CASES:
        assert set(case) == {"text", "today", "lang", "expected"}, case
        for item in case["expected"]:
            assert item["entity"] in ENTITIES, case
            if item["value"] is None:
                assert item["problem"] in PROBLEMS, case
            else:
                assert "problem" not in item and isinstance(item["value"], str), case


# ------------------------------------------------------------------ measure


def test_entity_accuracy_counts_per_entity_and_language():
    cases = [
        {"text": "分6期，每期500", "today": "2026-10-14", "lang": "zh-Hans",
         "expected": [{"entity": "instalments", "value": "6"}, {"entity": "amount", "value": "500"}]},
        {"text": "I can pay 500", "today": "2026-10-14", "lang": "en",
         "expected": [{"entity": "amount", "value": "600"}]},  # wrong on purpose
        {"text": "hello", "today": "2026-10-14", "lang": "en", "expected": []},
        {"text": "tomorrow", "today": "2026-10-14", "lang": "en", "expected": []},  # a false find
        {"text": "Feb 30", "today": "2026-10-14", "lang": "en",
         "expected": [{"entity": "date", "value": None, "problem": "no_such_date"}]},
    ]
    assert entity_accuracy(cases) == {
        ("amount", "en"): (0, 1),
        ("amount", "zh-Hans"): (1, 1),
        ("date", "en"): (1, 2),
        ("instalments", "zh-Hans"): (1, 1),
        (NOTHING, "en"): (1, 2),
    }


def test_entity_accuracy_over_the_case_set_is_complete():
    accuracy = entity_accuracy(CASES)
    for entity in ENTITIES:
        for lang in LANGS:
            correct, total = accuracy[entity, lang]
            assert total > 0 and correct / total >= 0.95, (entity, lang, correct, total)


# ------------------------------------------------------------------ extract


def test_value_is_the_public_shape():
    [value] = extract_values("我想还三千五", date(2026, 10, 14))
    assert value == Value("amount", 3, 6, "三千五", "3500", None)


@pytest.mark.parametrize(
    "text, spans",
    [
        ("我下禮拜五還三千五百塊", ["下禮拜五", "三千五百塊"]),  # Traditional: spans of the original
        ("聽日還五百蚊", ["聽日", "五百蚊"]),
        ("可唔可以分三期還", ["三期"]),
        ("pay ３５００元 on 下個月１５號", ["３５００元", "下個月１５號"]),  # full-width digits
        ("I can pay 3.5k next Friday", ["3.5k", "next Friday"]),
        ("the 15th", ["15th"]),  # 'the' is not part of the date
        ("分6期", ["6期"]),
        ("split it into 6 payments", ["6 payments"]),
        ("3個月分期", ["3個月"]),
        ("pay 200 nxt Fri", ["200", "nxt Fri"]),  # shorthand keeps its own spelling
        ("2morrow 還千五蚊", ["2morrow", "千五蚊"]),
        ("延期-5天", ["-5天"]),  # the sign is part of the value
        ("分-3期", ["-3期"]),
    ],
)
def test_spans_are_in_the_original_text(text, spans):
    values = extract_values(text, date(2026, 10, 14))
    assert [value.text for value in values] == spans
    assert all(text[value.start:value.end] == value.text for value in values)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("500-1000", [("amount", "500", None), ("amount", "1000", None)]),  # a range, not -1000
        ("pay - 500", [("amount", "500", None)]),
        ("-500", [("amount", None, "negative")]),
        ("minus 500 dollars", [("amount", None, "negative")]),
        ("L-1001", []),
        ("2-3 days", []),
        ("分5到6期", []),
        ("宽限两三天", []),  # an estimate
        ("0^0", [("amount", None, "zero"), ("amount", None, "zero")]),
        ("1e999999k", [("amount", None, "too_large")]),
        ("1e999999999999999999999 days", [("duration_days", None, "too_large")]),
        ("12.34567", [("amount", None, "too_many_decimals")]),
        ("500 a month", [("amount", "500", None)]),
        ("once a week", []),
        ("250 every two weeks", [("amount", "250", None)]),
        ("每两周还500", [("amount", "500", None)]),
        ("一个半月", [("duration_days", "45", None)]),
        ("十天半个月", [("duration_days", "10", None), ("duration_days", "15", None)]),
        ("三块五毛", [("amount", "3.5", None)]),
        ("£200", [("amount", "200", None)]),
        ("1 trillion dollars", [("amount", None, "too_large")]),
        ("twenty-five dollars", [("amount", "25", None)]),
        ("a mo", []),  # a moment, not a month
        ("1 mo day", [("duration_days", "1", None)]),  # one more day
        ("Dec 2026", []),  # a month of a year, no day
        ("May 500", [("amount", "500", None)]),  # no day 500: not a date
        ("俩三天", []),  # two or three days, like 两三天
        ("我俩三天后还", []),  # 我俩 | 三天 or 我 | 俩三天: nothing certain
        ("仨瓜俩枣", []),
        ("千八百块", []),  # a thousand or so
        ("兩嚿半水", [("amount", "250", None)]),
        ("舊水管", []),  # an old water pipe
        ("推迟到三月", []),  # to March
        ("宽限三月", [("duration_days", "90", None)]),
        ("三个月中还清", [("duration_days", "90", None)]),  # within three months, not mid-month
        ("pay - 3 days later", [("duration_days", "3", None)]),  # a dash, not a sign
        ("2-3 wks", []),
    ],
)
def test_edges(text, expected):
    assert found(text) == expected


def test_values_are_sorted_and_do_not_overlap():
    values = extract_values("下周五还500，分6期，晚10天也行，或者12月20日", date(2026, 10, 14))
    assert [value.entity for value in values] == ["date", "amount", "instalments", "duration_days", "date"]
    assert all(a.end <= b.start for a, b in pairwise(values))


def test_nothing_breaks_on_any_text():
    pieces = [
        "下", "个", "月", "号", "日", "天", "周", "五", "十", "百", "千", "万", "亿", "两", "半", "期",
        "分", "成", "-", "/", "^", "3", "12", "0", "2026", "31", ".", ",", "5", "k", "$", "¥", "元",
        "块", "the", "th", "of", "dec", "feb", "next", "friday", "a", "week", "months", "days",
        "split", "into", "over", "payments", "one", "hundred", "and", "minus", "负", "第", "点",
        "%", "L", "星期", "礼拜", "这", "底", "初", "尾", "年", " ", "，", "e", "１", "😀", "兩",
        "個", "禮拜", "\n", "  ", "俩", "仨", "嚿", "水", "头", "中", "旬", "nxt", "mo", "fri", "Fri",
        "2morrow", "instalmnts", "wks", "mnth", "Friday", "-", "舊",
    ]
    rng = random.Random(20261014)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        today = date(2026, 1, 1) + (date(2028, 12, 31) - date(2026, 1, 1)) * rng.random()
        values = extract_values(text, today)
        assert all(a.end <= b.start for a, b in pairwise(values)), text
        for value in values:
            assert text[value.start:value.end] == value.text, text
            assert (value.value is None) != (value.problem is None), (text, value)
            assert value.problem is None or value.problem in PROBLEMS, (text, value)


def test_the_pipeline_is_built_on_first_use_not_on_import():
    code = (
        "import sys, bot.values, bot.values.tokens as t, bot.values.extract as e;"
        "print(t.pipeline.cache_info().currsize, e.matcher.cache_info().currsize,"
        " 'jieba' in sys.modules, 'dateparser' in sys.modules, 'cn2an' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["0", "0", "False", "False", "False"]


# ------------------------------------------------------------------ text and tokens


@pytest.mark.parametrize(
    "text, expected",
    [
        ("下禮拜五還三千五百塊", "下礼拜五还三千五百块"),
        ("３５００元，￥２００", "3500元，¥200"),  # the full-width comma stays: it ends a clause
        ("I can pay 3.5k", "I can pay 3.5k"),
        ("😀兩個禮拜", "😀两个礼拜"),
    ],
)
def test_normalise_keeps_every_offset(text, expected):
    assert normalise(text) == expected and len(normalise(text)) == len(text)


def test_normalise_falls_back_to_characters_when_a_phrase_changes_length(monkeypatch):
    import bot.values.text as text_module

    def phrase_conversion(text: str) -> str:  # a converter that rewrites one phrase longer
        return text.replace("禮拜", "星期天").replace("兩", "两").replace("個", "个") if len(text) > 1 else {
            "禮": "礼", "拜": "拜", "兩": "两", "個": "个"}.get(text, text)

    monkeypatch.setattr(text_module, "to_simplified", phrase_conversion)
    assert normalise("兩個禮拜") == "两个礼拜"


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("一千二百块", ["一千二百", "块"]),
        ("十二个月", ["十二", "个", "月"]),
        ("我下周五还三千五", ["我", "下", "周", "五", "还", "三千五"]),
        ("HK$1,200.50", ["HK", "$", "1,200.50"]),
        ("3.5k", ["3.5", "k"]),
        ("1.2万", ["1.2万"]),
        ("3千5", ["3千5"]),
        ("万一还不上", ["万", "一", "还", "不", "上"]),
        ("还千五", ["还", "千五"]),
        ("再给我俩礼拜", ["再", "给", "我", "俩", "礼拜"]),
        ("2morrow", ["2morrow"]),  # a borrower spelling with a digit stays whole
        ("月头发工资", ["月头", "发", "工资"]),  # not 月 | 头发 (hair)
    ],
)
def test_every_number_is_one_token(text, tokens):
    assert [token.text for token in tokenize(text)] == [normalise(token) for token in tokens]


def test_tokens_read_borrower_spellings_as_their_words():
    doc = tokenize("nxt Fri 3 Installemnts 2 wks 2morrow 下个Friday")
    assert [token.norm_ for token in doc] == [
        "next", "fri", "3", "instalments", "2", "weeks", "tomorrow", "下", "个", "friday"]
    assert [token.text for token in doc][:2] == ["nxt", "Fri"]  # the text stays the borrower's


def test_spellings_only_map_to_words_the_rules_know():
    """A closed table: every reading is a word some rule matches, never another spelling."""
    from bot.values import counts, dates

    known = {*counts.INSTALMENT_WORDS, *counts.UNIT_DAYS, *dates.ENGLISH_WEEKDAYS, *dates.MONTH_NAMES,
             *dates.ENGLISH_RELATIVE, "next", "this", "dollars"}
    assert set(SPELLINGS.values()) <= known
    assert not set(SPELLINGS) & set(SPELLINGS.values())
    assert reading("NXT") == "next" and reading("fried") == "fried"  # no near misses


def test_tokens_do_not_depend_on_the_global_jieba_dictionary():
    """The Rasa tokenizer loads the collections dictionary into the global jieba."""
    import jieba

    text = "我下周五还六期一个月"
    before = [token.text for token in tokenize(text)]
    jieba.initialize()
    frequencies, total = dict(jieba.dt.FREQ), jieba.dt.total
    try:
        for word in ["我下周五", "还六期", "期一"]:
            jieba.add_word(word, 100000)
        assert [token.text for token in tokenize(text)] == before
    finally:
        jieba.dt.FREQ.clear()
        jieba.dt.FREQ.update(frequencies)
        jieba.dt.total = total


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    "text, value",
    [
        ("3500", "3500"), ("3,500", "3500"), ("1,200.50", "1200.5"), ("3500.00", "3500"),
        ("1e12", "1000000000000"), ("三千五", "3500"), ("一千二百", "1200"), ("两万", "20000"),
        ("1.2万", "12000"), ("3千5", "3500"), ("六", "6"), ("十二", "12"), ("一万亿", "1000000000000"),
        ("三点五", "3.5"), ("半", "0.5"), ("二〇二六", "2026"), ("十万零五", "100005"), ("3万5", "35000"),
        ("俩", "2"), ("仨", "3"), ("俩万", "20000"), ("千五", "1500"), ("万二", "12000"), ("百五", "150"),
        ("千二", "1200"), ("三千二", "3200"), ("两万五", "25000"),
    ],
)
def test_parse_number(text, value):
    assert is_number(text)
    assert plain(parse_number(text)) == value


@pytest.mark.parametrize("text", ["两三", "三五", "十五六", "七八", "千八百", "百八十", "俩三"])
def test_estimates_are_no_numbers(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["万一", "千万", "百", "一下", "周五", "百分"])
def test_idioms_are_no_number_tokens(text):
    assert not is_number(text)


@pytest.mark.parametrize(
    "words, value",
    [("five hundred and twenty", 520), ("two thousand five hundred", 2500), ("six", 6),
     ("twenty - five", 25), ("one million", 1000000), ("hundred", 100)],
)
def test_parse_words(words, value):
    assert parse_words(words.split()) == Decimal(value)


def test_parse_words_refuses_other_words():
    assert parse_words(["five", "apples"]) is None


@pytest.mark.parametrize(
    "text, reads_as_money", [("500", True), ("三千五", True), ("five hundred", True), ("一", False),
                             ("六", False), ("one", False), ("二十", False), ("半", False)],
)
def test_has_magnitude(text, reads_as_money):
    assert has_magnitude(text) is reads_as_money


def test_plain_never_shows_an_exponent_or_trailing_zeros():
    assert [plain(Decimal(text)) for text in ("3.5E+3", "1250.50", "0.10", "1E+12")] == [
        "3500", "1250.5", "0.1", "1000000000000"]


# ------------------------------------------------------------------ calendar


@pytest.mark.parametrize(
    "today, day, expected",
    [
        (date(2026, 10, 14), 15, date(2026, 10, 15)),
        (date(2026, 10, 14), 14, date(2026, 10, 14)),  # today has not passed
        (date(2026, 10, 14), 10, date(2026, 11, 10)),
        (date(2026, 12, 28), 15, date(2027, 1, 15)),  # December → January
        (date(2026, 1, 31), 30, None),  # no February 30th
        (date(2028, 2, 27), 29, date(2028, 2, 29)),  # leap year
    ],
)
def test_next_day_of_month(today, day, expected):
    assert calendar.next_day_of_month(today, day) == expected


@pytest.mark.parametrize(
    "today, month, day, expected",
    [
        (date(2026, 10, 14), 12, 20, date(2026, 12, 20)),
        (date(2026, 12, 28), 12, 20, date(2027, 12, 20)),
        (date(2026, 12, 28), 12, 28, date(2026, 12, 28)),
        (date(2026, 10, 14), 2, 30, None),
        (date(2026, 10, 14), 2, 29, None),  # neither 2026 nor 2027 has one
        (date(2028, 2, 27), 2, 29, date(2028, 2, 29)),
        (date(2028, 3, 1), 2, 29, None),  # the next 12 months hold 2029-02-28, no 29th
        (date(2027, 1, 10), 2, 29, None),  # 2027 has none: not pushed to 2028
        (date(2027, 3, 1), 2, 29, date(2028, 2, 29)),  # within 12 months of today
        (date(2028, 2, 29), 2, 29, date(2028, 2, 29)),  # today counts
        (date(2026, 10, 14), 13, 1, None),
    ],
)
def test_next_month_day(today, month, day, expected):
    assert calendar.next_month_day(today, month, day) == expected


@pytest.mark.parametrize(
    "today, weekday, weeks_ahead, expected",
    [
        (date(2026, 10, 14), 4, 1, date(2026, 10, 23)),  # Wed → 下周五
        (date(2026, 10, 14), 4, 0, date(2026, 10, 16)),  # 本周五
        (date(2026, 5, 9), 4, 0, date(2026, 5, 8)),  # Sat → 这周五 was yesterday
        (date(2026, 9, 6), 6, 0, date(2026, 9, 6)),  # Sunday ends the week
        (date(2026, 10, 14), 0, 2, date(2026, 10, 26)),  # 下下周一
        (date(2026, 10, 14), 4, -1, date(2026, 10, 9)),  # last Friday
    ],
)
def test_weekday_in_week(today, weekday, weeks_ahead, expected):
    assert calendar.weekday_in_week(today, weekday, weeks_ahead) == expected


@pytest.mark.parametrize(
    "today, weekday, expected",
    [(date(2026, 10, 14), 4, date(2026, 10, 16)), (date(2026, 7, 10), 4, date(2026, 7, 17)),
     (date(2026, 12, 28), 4, date(2027, 1, 1))],
)
def test_coming_weekday_is_after_today(today, weekday, expected):
    assert calendar.coming_weekday(today, weekday) == expected


def test_month_ends_and_starts():
    assert calendar.month_end(date(2028, 2, 27), 0) == date(2028, 2, 29)
    assert calendar.month_end(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert calendar.month_end(date(2026, 12, 31), 1) == date(2027, 1, 31)
    assert calendar.day_in_month(date(2026, 12, 31), 1, 1) == date(2027, 1, 1)
    assert calendar.named_month_end(date(2026, 10, 14), 12) == date(2026, 12, 31)
    assert calendar.named_month_end(date(2026, 10, 14), 9) == date(2027, 9, 30)


def test_numeric_dates_read_month_first_unless_it_cannot_be_a_month():
    assert calendar.month_or_day_first(date(2026, 10, 14), 12, 20, None) == date(2026, 12, 20)
    assert calendar.month_or_day_first(date(2026, 10, 14), 20, 12, None) == date(2026, 12, 20)
    assert calendar.month_or_day_first(date(2026, 10, 14), 13, 13, 2026) is None


# ------------------------------------------------------------------ each entity's rules in brief


@pytest.mark.parametrize(
    "text, value",
    [("3500", "3500"), ("3,500", "3500"), ("¥3500", "3500"), ("3500元", "3500"), ("三千五", "3500"),
     ("三千五百块", "3500"), ("3.5k", "3500"), ("3千5", "3500"), ("$200", "200"), ("200 dollars", "200"),
     ("HK$1,200.50", "1200.5"), ("五百蚊", "500"), ("1.2万", "12000"), ("一千二百块", "1200"),
     ("500 bucks", "500"), ("一萬二", "12000"), ("2 grand", "2000"), ("千五蚊", "1500"), ("萬二", "12000"),
     ("百五", "150"), ("兩嚿水", "200"), ("兩舊水", "200"), ("嚿水", "100"), ("五百蚊雞", "500"),
     ("200 dollers", "200")],
)
def test_amounts(text, value):
    assert found(text) == [("amount", value, None)]


@pytest.mark.parametrize(
    "text, value",
    [("分6期", "6"), ("六期", "6"), ("6期", "6"), ("分成十二期", "12"), ("6 instalments", "6"),
     ("6 installments", "6"), ("six monthly payments", "6"), ("12 monthly instalments", "12"),
     ("in 3 payments", "3"), ("3個月分期", "3"), ("分12个月", "12"), ("over 6 months", "6"),
     ("3 installemnts", "3"), ("6 instlmnts", "6"), ("4 instalmnts", "4"), ("5 installmnts", "5"),
     ("2 instalments", "2"), ("over 6 mths", "6"), ("分仨期", "3"), ("分俩期", "2")],
)
def test_instalments(text, value):
    assert found(text) == [("instalments", value, None)]


@pytest.mark.parametrize(
    "text, value",
    [("延期两周", "14"), ("晚10天", "10"), ("一个星期", "7"), ("一週", "7"), ("a week", "7"),
     ("一个月", "30"), ("a month", "30"), ("两个礼拜", "14"), ("半个月", "15"), ("a fortnight", "14"),
     ("3 days", "3"), ("兩個禮拜", "14"), ("遲10日", "10"), ("30天内", "30"), ("俩礼拜", "14"),
     ("仨月", "90"), ("两月", "60"), ("2 wks", "14"), ("1 wk", "7"), ("another mnth", "30"),
     ("3 mo", "90"), ("2 mths", "60")],
)
def test_durations(text, value):
    assert found(text) == [("duration_days", value, None)]


@pytest.mark.parametrize(
    "text, value",
    [("下周五", "2026-10-23"), ("下星期五", "2026-10-23"), ("下禮拜五", "2026-10-23"),
     ("本周五", "2026-10-16"), ("这周五", "2026-10-16"), ("周五", "2026-10-16"), ("星期五", "2026-10-16"),
     ("明天", "2026-10-15"), ("明日", "2026-10-15"), ("聽日", "2026-10-15"), ("后天", "2026-10-16"),
     ("後天", "2026-10-16"), ("大后天", "2026-10-17"), ("月底", "2026-10-31"), ("月尾", "2026-10-31"),
     ("下个月15号", "2026-11-15"), ("下個月15號", "2026-11-15"), ("下月初", "2026-11-01"),
     ("15号", "2026-10-15"), ("15號", "2026-10-15"), ("15日", "2026-10-15"), ("10号", "2026-11-10"),
     ("12月20日", "2026-12-20"), ("十二月二十日", "2026-12-20"), ("12月20号", "2026-12-20"),
     ("2026年12月20日", "2026-12-20"), ("2026-12-20", "2026-12-20"), ("12/20", "2026-12-20"),
     ("next Friday", "2026-10-23"), ("Friday", "2026-10-16"), ("Dec 20", "2026-12-20"),
     ("20 December", "2026-12-20"), ("tomorrow", "2026-10-15"), ("the 15th", "2026-10-15"),
     ("end of the month", "2026-10-31"), ("nxt fri", "2026-10-23"), ("nex Mon", "2026-10-19"),
     ("this thurs", "2026-10-15"), ("2morrow", "2026-10-15"), ("tmrw", "2026-10-15"),
     ("下个Friday", "2026-10-23"), ("下礼拜Fri", "2026-10-23"), ("這個Mon", "2026-10-12"),
     ("上个Sun", "2026-10-11"), ("next 周五", "2026-10-23"), ("下個月頭", "2026-11-01"),
     ("下月头", "2026-11-01"), ("月头", "2026-11-01"), ("本月头", "2026-10-01"), ("月中", "2026-10-15"),
     ("这个月中", "2026-10-15"), ("下月中", "2026-11-15"), ("下个月中旬", "2026-11-15"),
     ("12月中", "2026-12-15"), ("mid next month", "2026-11-15"), ("end of nxt mnth", "2026-11-30")],
)
def test_dates(text, value):
    assert found(text, date(2026, 10, 14)) == [("date", value, None)]


@pytest.mark.parametrize("text", ["2月30日", "Feb 30", "2026-02-30", "32号", "June 31", "2月29号", "Feb 29"])
def test_no_such_date(text):
    assert found(text) == [("date", None, "no_such_date")]


@pytest.mark.parametrize(
    "today, text, expected",
    [
        (date(2027, 1, 10), "2月29号", None),  # 2027 has none; 2028's is not pushed to
        (date(2027, 1, 10), "Feb 29", None),
        (date(2027, 3, 1), "2月29号", "2028-02-29"),  # within 12 months of today
        (date(2027, 3, 1), "February 29th", "2028-02-29"),
        (date(2027, 3, 1), "2/29", "2028-02-29"),
        (date(2028, 3, 1), "2月29日", None),  # 2029 has none
    ],
)
def test_a_month_day_without_a_year_is_within_the_next_12_months(today, text, expected):
    assert found(text, today) == [("date", expected, None if expected else "no_such_date")]


@pytest.mark.parametrize(
    "text, entity",
    [("延期-5天", "duration_days"), ("负两周", "duration_days"), ("minus 3 days", "duration_days"),
     ("delay -2 weeks", "duration_days"), ("宽限负一个半月", "duration_days"), ("负俩月", "duration_days"),
     ("-3 installments", "instalments"), ("分-6期", "instalments"), ("負三期", "instalments"),
     ("split into -4 payments", "instalments"), ("over -6 months", "instalments")],
)
def test_negative_counts(text, entity):
    assert found(text) == [(entity, None, "negative")]
