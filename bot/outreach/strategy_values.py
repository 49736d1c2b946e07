"""Reading outreach.yml's values: each check returns the parsed value or raises StrategyError
naming `where` (`outreach.yml: stages.D+7.variants.champion.weight`), so that a collections
manager can fix the file without reading code."""
from __future__ import annotations

import re
import string
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from bot.arrangements.policy_values import money as policy_money
from bot.config_yaml import read_config
from bot.outreach.errors import StrategyError
from bot.outreach.lint import check_template

LANGUAGES = ("en", "zh")
CURRENCY = re.compile(r"[A-Z]{3}")  # ISO 4217


def read_yaml(text: str, source: str) -> Any:
    """outreach.yml's document: duplicate keys and bad YAML refused, bare decimals kept as text."""
    return read_config(text, source, StrategyError)


# --- shapes -----------------------------------------------------------------------------------


def mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise StrategyError(f"{where}: must be a mapping of keys to values")
    return value


def keys(value: Any, where: str, known: Collection[str], required: Collection[str] = ()) -> dict:
    """`value` as a mapping with only `known` keys, every `required` one among them."""
    given = mapping(value, where)
    for key in given:
        if key not in known:
            raise StrategyError(f"{at(where, key)}: unknown key; expected one of: {', '.join(sorted(known))}")
    for key in required:
        if key not in given:
            raise StrategyError(f"{at(where, key)}: missing")
    return given


def at(where: str, key: Any) -> str:
    """`outreach.yml` + `stages` -> `outreach.yml: stages`; `outreach.yml: stages` + `D0` ->
    `outreach.yml: stages.D0`."""
    return f"{where}: {key}" if ":" not in where else f"{where}.{key}"


def whole(value: Any, where: str, low: int, high: int | None = None) -> int:
    top = high if high is not None else value
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= top:
        limit = f"from {low} to {high}" if high is not None else f"≥ {low}"
        raise StrategyError(f"{where}: must be a whole number {limit}")
    return value


def one_of(value: Any, where: str, allowed: Collection[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise StrategyError(f"{where}: must be one of: {', '.join(allowed)}")
    return value


def word(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise StrategyError(f"{where}: must be a text in quotes")
    return value


def money(value: Any, where: str, currency: str) -> Decimal:
    return policy_money(value, where, currency, error=StrategyError, example="5000")


# --- borrower-facing texts --------------------------------------------------------------------


def template(value: Any, where: str, placeholders: Collection[str]) -> str:
    """A text the borrower reads: `str.format` placeholders among `placeholders`, written plain
    ({amount}, not {amount!r} or {amount:>10}), and no banned phrasing (lint.py)."""
    text = word(value, where)
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as error:
        raise StrategyError(
            f"{where}: not a valid template ({error}); write a literal brace as {{{{ or }}}}") from None
    for _, field, spec, conversion in fields:
        if field is None:
            continue
        if field not in placeholders:
            raise StrategyError(f"{where}: unknown placeholder {{{field}}}; "
                                f"expected one of: {', '.join('{' + p + '}' for p in placeholders)}")
        if spec or conversion:
            raise StrategyError(f"{where}: write the placeholder plain, as {{{field}}}")
    check_template(text, where=where)
    return text


def currency(value: Any, where: str) -> str:
    if not isinstance(value, str) or not CURRENCY.fullmatch(value):
        raise StrategyError(f"{where}: must be an ISO 4217 currency code like CNY")
    return value
