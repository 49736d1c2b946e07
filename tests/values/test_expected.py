"""A bare number answers the question the bot asked."""
from __future__ import annotations

from datetime import date

from bot.values import extract_values
from bot.values.expected import as_expected

TODAY = date(2026, 11, 23)


def read(text: str, expected: str) -> list[tuple[str, str | None, str | None]]:
    return [(v.entity, v.value, v.problem) for v in as_expected(extract_values(text, TODAY), expected)]


def test_a_bare_number_is_an_amount_without_context():
    assert read("500", "amount") == [("amount", "500", None)]


def test_six_after_how_many_instalments_is_a_count():
    assert read("6", "instalments") == [("instalments", "6", None)]


def test_ten_after_how_many_days_is_a_duration():
    assert read("10", "duration_days") == [("duration_days", "10", None)]


def test_fractions_and_problems_are_not_whole_counts():
    assert read("2.5", "instalments") == [("instalments", None, "not_a_whole_number")]
    assert read("0", "instalments")[0][2] == "zero"
    assert read("-3", "instalments")[0][2] == "negative"


def test_values_with_their_own_type_keep_it():
    assert read("分12期", "duration_days") == [("instalments", "12", None)]
    assert read("15号", "instalments")[0][0] == "date"
