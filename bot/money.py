"""Exact money: Decimal amounts quantised to the currency's minor unit, never float."""
from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_currency, get_currency_symbol

# ISO 4217 minor units of the currencies the lender serves (2 unless listed).
MINOR_UNITS = {"JPY": 0, "KRW": 0, "VND": 0, "IDR": 2, "KWD": 3, "BHD": 3}
# Parsed once: babel would parse a locale name on every amount formatted.
LOCALES = {"en": Locale.parse("en_US"), "zh": Locale.parse("zh_Hans_CN")}
# The money columns are NUMERIC(19, 4): at most 15 digits before the point.
MAX_AMOUNT = Decimal(10) ** 15
PLAIN_DECIMAL = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")  # no exponent, `_` or other digits


class InvalidAmount(ValueError):
    """Text that is not an exact, finite, non-negative decimal amount."""


def minor_unit(currency: str) -> int:
    return MINOR_UNITS.get(currency.upper(), 2)


@functools.lru_cache(maxsize=64)  # a few currencies, asked for on every figure of every balance
def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def parse_amount(value: object, currency: str | None = None) -> Decimal:
    """A decimal from a string or int (floats are refused: they are not exact)."""
    if isinstance(value, (float, bool)):
        raise InvalidAmount(f"amounts must be given as strings, not {type(value).__name__}")
    if isinstance(value, (Decimal, int)):
        amount = Decimal(value)
    elif PLAIN_DECIMAL.fullmatch(str(value).strip()):
        amount = Decimal(str(value).strip())
    else:
        raise InvalidAmount(f"not an amount: {value!r}")
    if not amount.is_finite() or amount.is_signed():
        raise InvalidAmount(f"not a non-negative amount: {value!r}")
    if amount >= MAX_AMOUNT:
        raise InvalidAmount(f"{value!r} is too large an amount")
    if currency is not None and amount != quantize(amount, currency):
        raise InvalidAmount(f"{value!r} has more decimals than {currency} allows")
    return amount


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """`CN¥1,095.00` / `¥1,095.00`: the currency's own format in the reader's language;
    `SGD 600.00` where the language has no symbol for the currency."""
    locale = LOCALES.get(language, LOCALES["en"])
    amount = quantize(amount, currency)
    if get_currency_symbol(currency, locale=locale) == currency:
        return format_currency(amount, currency, format="¤ #,##0.00", locale=locale)
    return format_currency(amount, currency, locale=locale)


def code_amount(amount: Decimal, currency: str) -> str:
    """`CNY 1,095.00`: the ISO code, as agents read it ("$" or "¥" alone would not say which)."""
    return f"{currency} {format(quantize(amount, currency), ',f')}"
