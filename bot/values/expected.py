"""Reading a bare number as the value the bot just asked for.

On its own, "6" is an amount (CONTRACT §2). After "how many instalments?" it is a count, and
after "how many days?" a duration: the dialogue, which knows what it asked, reinterprets it
here. Anything that is not a plain whole number stays what it was, so "6号" stays a date
and "3.5k" an amount (and is then refused as a count downstream, with a re-ask).
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation

from bot.values.extract import Value

COUNTS = ("instalments", "duration_days")


def as_expected(values: list[Value], expected: str) -> list[Value]:
    """The values with bare-number amounts read as `expected` (instalments, duration_days)."""
    if expected not in COUNTS:
        return values
    return [_reinterpret(value, expected) if value.entity == "amount" else value for value in values]


def _reinterpret(value: Value, expected: str) -> Value:
    if value.value is None:
        return replace(value, entity=expected)  # its problem (negative, zero …) still holds
    try:
        number = Decimal(value.value)
    except InvalidOperation:
        return value
    if number != number.to_integral_value():
        return replace(value, entity=expected, value=None, problem="not_a_whole_number")
    return replace(value, entity=expected, value=str(int(number)))
