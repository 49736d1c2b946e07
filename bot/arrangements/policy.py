"""The lender's arrangement policy: policy.yml, validated whole when the bot starts.

`defaults` hold every key; `currencies.<CODE>` override some of them for loans in that
currency. Every error names its key (`policy.yml: defaults.deferral.max_days: ...`) so that
the lender can fix the file without reading code. Money is exact: bare YAML decimals
(floats) are refused with their literal text, amounts are written as quoted strings.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

import yaml

from bot.money import InvalidAmount, parse_amount

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "policy.yml"
INTERVALS = ("monthly",)
CURRENCY_CODE = re.compile(r"[A-Z]{3}")


class PolicyError(ValueError):
    """policy.yml is unreadable or wrong; the message names the file and the key."""


@dataclass(frozen=True)
class DeferralPolicy:
    max_days_past_due: int
    max_days: int
    once_per_days: int
    fee: Decimal
    freeze_late_fees: bool


@dataclass(frozen=True)
class InstalmentPolicy:
    max_days_past_due: int
    minimum_overdue: Decimal | None  # None: plans are not offered in this currency
    counts: tuple[int, ...]
    first_within_days: int
    interval: str


@dataclass(frozen=True)
class PromisePolicy:
    horizon_days: int
    allow_partial: bool


@dataclass(frozen=True)
class ReviewPolicy:
    grace_days: int


@dataclass(frozen=True)
class Policy:
    """The rules for loans in one currency."""

    currency: str
    deferral: DeferralPolicy
    instalment: InstalmentPolicy
    promise: PromisePolicy
    review: ReviewPolicy


@dataclass(frozen=True)
class PolicyBook:
    defaults: Policy
    currencies: Mapping[str, Policy]
    source: str

    def for_currency(self, code: str) -> Policy:
        code = code.upper()
        return self.currencies.get(code) or replace(self.defaults, currency=code)


def load_policy(path: str | Path | None = None) -> PolicyBook:
    """policy.yml from `path`, else $BOT_POLICY_FILE, else the repository root."""
    path = Path(path or os.environ.get("BOT_POLICY_FILE") or DEFAULT_PATH)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"{path}: cannot read the policy file: {error.strerror}") from None
    return parse_policy(text, name=path.name)


def parse_policy(text: str, name: str = "policy.yml") -> PolicyBook:
    document = _read_yaml(text, name)
    _check_keys(document, {"defaults", "currencies"}, f"{name}:", "", required={"defaults"})
    defaults = _section_values(document["defaults"], f"{name}: defaults", currency=None, complete=True)
    overrides = _mapping(document.get("currencies") or {}, f"{name}: currencies")
    policies = {}
    for code, override in overrides.items():
        where = f"{name}: currencies.{code}"
        if not isinstance(code, str) or not CURRENCY_CODE.fullmatch(code):
            raise PolicyError(f"{where}: must be an ISO 4217 currency code like CNY")
        values = _section_values(override or {}, where, currency=code, complete=False)
        policies[code] = _policy(code, _merge(defaults, values))
    return PolicyBook(_policy("", defaults), MappingProxyType(policies), name)


# --- YAML that keeps what the lender wrote ---------------------------------------------------


class _FloatText(str):
    """A bare YAML decimal such as 300.5, kept as its text so that it can be refused."""


class _PolicyLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        duplicate = next((key for key in keys if keys.count(key) > 1), None)
        if duplicate is not None:  # YAML would silently keep the last one
            raise PolicyError(f"duplicate key {duplicate!r} (line {node.start_mark.line + 1})")
        return super().construct_mapping(node, deep=deep)


_PolicyLoader.add_constructor(
    "tag:yaml.org,2002:float", lambda loader, node: _FloatText(loader.construct_scalar(node))
)


def _read_yaml(text: str, name: str) -> dict:
    try:
        document = yaml.load(text, Loader=_PolicyLoader)  # noqa: S506 - a SafeLoader subclass
    except PolicyError as error:
        raise PolicyError(f"{name}: {error}") from None
    except yaml.YAMLError as error:
        raise PolicyError(f"{name}: not valid YAML: {error}") from None
    return _mapping(document, f"{name}:")


# --- field checks: each returns the parsed value or raises naming `where` --------------------

Check = Callable[[Any, str, "str | None"], Any]


def _whole(low: int, high: int) -> Check:
    def check(value, where, currency):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise PolicyError(f"{where}: must be a whole number from {low} to {high}")
        return value

    return check


def _money(value, where, currency) -> Decimal:
    if isinstance(value, _FloatText):
        raise PolicyError(f'{where}: write money in quotes, like "{value}": a bare {value} is an inexact float')
    try:
        return parse_amount(value, currency)
    except InvalidAmount as error:
        raise PolicyError(f"{where}: must be an amount in quotes, like \"300.00\" ({error})") from None


def _optional_money(value, where, currency) -> Decimal | None:
    return None if value is None else _money(value, where, currency)


def _boolean(value, where, currency) -> bool:
    if not isinstance(value, bool):
        raise PolicyError(f"{where}: must be true or false")
    return value


def _counts(value, where, currency) -> tuple[int, ...]:
    whole = _whole(2, 36)
    message = f"{where}: must be a list of whole numbers from 2 to 36"
    if not isinstance(value, list) or not value:
        raise PolicyError(message)
    try:
        counts = [whole(count, where, currency) for count in value]
    except PolicyError:
        raise PolicyError(message) from None
    if len(set(counts)) != len(counts):
        raise PolicyError(f"{where}: lists a count twice")
    return tuple(sorted(counts))


def _interval(value, where, currency) -> str:
    if value not in INTERVALS:
        raise PolicyError(f"{where}: must be one of: {', '.join(INTERVALS)}")
    return value


SCHEMA: dict[str, dict[str, Check]] = {
    "deferral": {
        "max_days_past_due": _whole(0, 3650),
        "max_days": _whole(1, 365),
        "once_per_days": _whole(0, 3650),
        "fee": _money,
        "freeze_late_fees": _boolean,
    },
    "instalment": {
        "max_days_past_due": _whole(0, 3650),
        "minimum_overdue": _optional_money,
        "counts": _counts,
        "first_within_days": _whole(0, 365),
        "interval": _interval,
    },
    "promise": {"horizon_days": _whole(0, 365), "allow_partial": _boolean},
    "review": {"grace_days": _whole(0, 60)},
}
OPTIONAL = {("instalment", "minimum_overdue")}


# --- sections --------------------------------------------------------------------------------


def _section_values(raw: Any, where: str, currency: str | None, complete: bool) -> dict[str, dict]:
    """The checked values of `defaults` (complete: every key) or of a currency's overrides."""
    raw = _mapping(raw, where)
    _check_keys(raw, set(SCHEMA), where, "", required=set(SCHEMA) if complete else set())
    values = {}
    for section, fields in SCHEMA.items():
        given = _mapping(raw.get(section) or {}, f"{where}.{section}")
        required = {key for key in fields if (section, key) not in OPTIONAL} if complete else set()
        _check_keys(given, set(fields), where, f"{section}.", required=required)
        values[section] = {key: fields[key](value, f"{where}.{section}.{key}", currency)
                           for key, value in given.items()}
    return values


def _merge(defaults: dict[str, dict], overrides: dict[str, dict]) -> dict[str, dict]:
    return {section: {**defaults[section], **overrides.get(section, {})} for section in SCHEMA}


def _policy(currency: str, values: dict[str, dict]) -> Policy:
    instalment = {"minimum_overdue": None, **values["instalment"]}
    return Policy(
        currency=currency,
        deferral=DeferralPolicy(**values["deferral"]),
        instalment=InstalmentPolicy(**instalment),
        promise=PromisePolicy(**values["promise"]),
        review=ReviewPolicy(**values["review"]),
    )


def _mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise PolicyError(f"{where.rstrip(':')}: must be a mapping of keys to values")
    return value


def _check_keys(given: dict, known: set[str], where: str, prefix: str, required: set[str]) -> None:
    for key in given:
        if key not in known:
            raise PolicyError(
                f"{_join(where, prefix, key)}: unknown key; expected one of: {', '.join(sorted(known))}"
            )
    for key in sorted(required - set(given)):
        raise PolicyError(f"{_join(where, prefix, key)}: missing")


def _join(where: str, prefix: str, key: str) -> str:
    """`policy.yml: defaults` + `deferral.` + `fee`, or `policy.yml:` + `defaults`."""
    return f"{where} {prefix}{key}" if where.endswith(":") else f"{where}.{prefix}{key}"
