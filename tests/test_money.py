"""bot/money.py: exact amounts in, the currency's own format out."""
from __future__ import annotations

from decimal import Decimal

import pytest

from bot.money import InvalidAmount, format_money, minor_unit, parse_amount, quantize


@pytest.mark.parametrize(
    "value, currency, expected",
    [
        ("3500", None, "3500"),
        ("1250.5", "CNY", "1250.5"),
        ("0.10", "USD", "0.10"),
        (" 42.00 ", "HKD", "42.00"),
        (".5", "USD", "0.5"),
        ("0", "CNY", "0"),
        ("99999999.99", "CNY", "99999999.99"),
        ("999999999999999.99", "USD", "999999999999999.99"),
        ("12000", "JPY", "12000"),
        ("1.250", "KWD", "1.250"),
        ("1.25", "USD", "1.25"),
        ("7.0", "JPY", "7.0"),  # a trailing zero claims no precision the yen lacks
        (3500, "CNY", "3500"),
        (Decimal("60.00"), "CNY", "60.00"),
    ],
)
def test_parse_amount_accepts_exact_amounts(value, currency, expected):
    amount = parse_amount(value, currency)
    assert type(amount) is Decimal
    assert str(amount) == expected


@pytest.mark.parametrize(
    "value, currency",
    [
        (0.1, None),  # float: not exact
        (100.0, "CNY"),
        (True, None),
        ("NaN", None),
        ("nan", None),
        ("sNaN", None),
        ("Infinity", None),
        ("-Infinity", None),
        ("inf", None),
        (Decimal("NaN"), None),
        (Decimal("Infinity"), None),
        ("-5", None),
        ("-0.01", "USD"),
        ("-0", None),
        (-1, None),
        (Decimal("-3"), None),
        ("", None),
        ("   ", None),
        ("abc", None),
        ("3,500", None),
        ("¥3500", "CNY"),
        ("3500元", "CNY"),
        ("1e3", None),
        ("1_000", None),
        ("+5", None),
        ("0x10", None),
        ("١٢٣", None),  # Arabic-Indic digits
        ("1.2.3", None),
        (None, None),
        ([1], None),
        ("1" * 30, None),  # beyond the money columns (and Decimal's precision)
        ("1000000000000000", "USD"),
        ("1.005", "USD"),  # too many decimals for the currency
        ("1.5", "JPY"),
        ("1.2345", "KWD"),
    ],
)
def test_parse_amount_refuses(value, currency):
    with pytest.raises(InvalidAmount):
        parse_amount(value, currency)


def test_parse_amount_errors_say_why():
    with pytest.raises(InvalidAmount, match="not float"):
        parse_amount(1.5)
    with pytest.raises(InvalidAmount, match="more decimals than JPY allows"):
        parse_amount("10.5", "JPY")
    with pytest.raises(InvalidAmount, match="non-negative"):
        parse_amount("-1")
    with pytest.raises(InvalidAmount, match="too large"):
        parse_amount("1" * 30, "USD")


def test_minor_units_and_quantize():
    assert (minor_unit("CNY"), minor_unit("jpy"), minor_unit("KWD"), minor_unit("XYZ")) == (2, 0, 3, 2)
    assert str(quantize(Decimal("1.005"), "USD")) == "1.01"  # half up, not banker's
    assert str(quantize(Decimal("2.5"), "JPY")) == "3"
    assert str(quantize(Decimal("1.0005"), "KWD")) == "1.001"
    assert str(quantize(Decimal("7"), "CNY")) == "7.00"


@pytest.mark.parametrize(
    "currency, language, expected",
    [
        ("CNY", "en", "CN¥1,095.00"),
        ("CNY", "zh", "¥1,095.00"),
        ("HKD", "en", "HK$1,095.00"),
        ("HKD", "zh", "HK$1,095.00"),
        ("USD", "en", "$1,095.00"),
        ("USD", "zh", "US$1,095.00"),
        ("TWD", "en", "NT$1,095.00"),
        ("TWD", "zh", "NT$1,095.00"),
        ("JPY", "en", "¥1,095"),
        ("KWD", "en", "KWD 1,095.000"),
    ],
)
def test_format_money(currency, language, expected):
    assert format_money(Decimal("1095"), currency, language) == expected


def test_format_money_rounds_to_the_currency_and_groups_thousands():
    assert format_money(Decimal("1250.5"), "CNY", "zh") == "¥1,250.50"
    assert format_money(Decimal("0.005"), "USD", "en") == "$0.01"
    assert format_money(Decimal("99999999.99"), "HKD", "en") == "HK$99,999,999.99"
    assert format_money(Decimal("0"), "TWD", "zh") == "NT$0.00"
    assert format_money(Decimal("1234.5"), "JPY", "zh") == "JP¥1,235"


def test_format_money_unknown_language_reads_english():
    assert format_money(Decimal("10"), "CNY", "fr") == "CN¥10.00"
