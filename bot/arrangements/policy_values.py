"""Checks of the values a lender writes in policy.yml: each returns the parsed value or raises
PolicyError naming `where` (e.g. `policy.yml: defaults.deferral.max_days`)."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bot.money import InvalidAmount, parse_amount

Check = Callable[[Any, str, "str | None"], Any]


class PolicyError(ValueError):
    """policy.yml is unreadable or wrong; the message names the file and the key."""


class FloatText(str):
    """A bare YAML decimal such as 300.5, kept as its text so that it can be refused."""


def whole(low: int, high: int) -> Check:
    def check(value: Any, where: str, currency: str | None) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise PolicyError(f"{where}: must be a whole number from {low} to {high}")
        return value

    return check


def money(value: Any, where: str, currency: str | None, *, error: type[ValueError] = PolicyError,
          example: str = "300.00") -> Decimal:
    """An amount written in quotes; `error` is the file's own (outreach.yml's: StrategyError)."""
    if isinstance(value, FloatText):
        raise error(
            f'{where}: write money in quotes, like "{value}": a bare {value} is an inexact float')
    try:
        return parse_amount(value, currency)
    except InvalidAmount as invalid:
        raise error(f'{where}: must be an amount in quotes, like "{example}" ({invalid})') from None


def optional_money(value: Any, where: str, currency: str | None) -> Decimal | None:
    return None if value is None else money(value, where, currency)


def boolean(value: Any, where: str, currency: str | None) -> bool:
    if not isinstance(value, bool):
        raise PolicyError(f"{where}: must be true or false")
    return value


def counts(value: Any, where: str, currency: str | None) -> tuple[int, ...]:
    each = whole(2, 36)
    message = f"{where}: must be a list of whole numbers from 2 to 36"
    if not isinstance(value, list) or not value:
        raise PolicyError(message)
    try:
        found = [each(count, where, currency) for count in value]
    except PolicyError:
        raise PolicyError(message) from None
    if len(set(found)) != len(found):
        raise PolicyError(f"{where}: lists a count twice")
    return tuple(sorted(found))


def one_of(*allowed: str) -> Check:
    def check(value: Any, where: str, currency: str | None) -> str:
        if value not in allowed:
            raise PolicyError(f"{where}: must be one of: {', '.join(allowed)}")
        return value

    return check


class Section:
    """One section of the policy (`deferral:`, `review:` …): its keys with their checks, the
    keys that may be left out (None), and the frozen dataclass its checked values make."""

    def __init__(self, name: str, schema: dict[str, Check], build: Callable[..., Any],
                 optional: frozenset[str] = frozenset()) -> None:
        self.name, self.schema, self.build, self.optional = name, schema, build, optional

    def required(self) -> set[str]:
        return set(self.schema) - self.optional

    def make(self, values: dict[str, Any]) -> Any:
        return self.build(**{**dict.fromkeys(self.optional), **values})
