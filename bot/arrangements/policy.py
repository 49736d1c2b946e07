"""The lender's arrangement policy: policy.yml, validated whole when the bot starts.

`defaults` hold every key; `currencies.<CODE>` override some of them for loans in that
currency. Every error names its key (`policy.yml: defaults.deferral.max_days: ...`) so that
the lender can fix the file without reading code. Money is exact: bare YAML decimals
(floats) are refused with their literal text, amounts are written as quoted strings.

The sections are each arrangement kind's own (bot/arrangements/kinds/: `deferral`,
`instalment`, `promise`), plus `review` and `payments` (the order a payment pays a bill's
components in: bot/ledger/order.py).
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.arrangements.kinds import KINDS
from bot.arrangements.policy_values import PolicyError, Section, one_of, whole
from bot.config_yaml import read_config
from bot.ledger import order

__all__ = ["DEFAULT_PATH", "Policy", "PolicyBook", "PolicyError", "ReviewPolicy", "load_policy",
           "parse_policy"]

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "policy.yml"
CURRENCY_CODE = re.compile(r"[A-Z]{3}")


ON_BROKEN = ("restore_original_schedule",)  # the bills fall due by their own dates again
FROZEN_FEES = ("waived", "charged")  # the late fees frozen while a broken one ran


@dataclass(frozen=True)
class ReviewPolicy:
    grace_days: int  # days after a due date before a payment counts as missed
    on_broken: str  # what a broken deferral or plan leaves: ON_BROKEN
    late_fees_frozen_when_broken: str  # FROZEN_FEES: waived stay waived, or charged back

    @property
    def charges_back(self) -> bool:
        return self.late_fees_frozen_when_broken == "charged"


SECTIONS: tuple[Section, ...] = (
    *(kind.policy for kind in KINDS),
    Section("review", {"grace_days": whole(0, 60), "on_broken": one_of(*ON_BROKEN),
                       "late_fees_frozen_when_broken": one_of(*FROZEN_FEES)}, ReviewPolicy),
    order.SECTION,
)


@dataclass(frozen=True)
class Policy:
    """The rules for loans in one currency: a kind's own with `kind.rules(policy)`, or by
    section name (`policy.deferral.max_days`)."""

    currency: str
    sections: Mapping[str, Any]

    @property
    def review(self) -> ReviewPolicy:
        return self.sections["review"]

    @property
    def payments(self) -> order.PaymentsPolicy:
        return self.sections[order.SECTION.name]

    def __getattr__(self, name: str) -> Any:
        sections = self.__dict__.get("sections", {})
        if name in sections:
            return sections[name]
        raise AttributeError(name)


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


def _read_yaml(text: str, name: str) -> dict:
    return _mapping(read_config(text, name, PolicyError), f"{name}:")


# --- sections --------------------------------------------------------------------------------


def _section_values(raw: Any, where: str, currency: str | None, complete: bool) -> dict[str, dict]:
    """The checked values of `defaults` (complete: every key) or of a currency's overrides."""
    raw = _mapping(raw, where)
    names = {section.name for section in SECTIONS}
    _check_keys(raw, names, where, "", required=names if complete else set())
    values = {}
    for section in SECTIONS:
        given = _mapping(raw.get(section.name) or {}, f"{where}.{section.name}")
        _check_keys(given, set(section.schema), where, f"{section.name}.",
                    required=section.required() if complete else set())
        values[section.name] = {key: section.schema[key](value, f"{where}.{section.name}.{key}", currency)
                                for key, value in given.items()}
    return values


def _merge(defaults: dict[str, dict], overrides: dict[str, dict]) -> dict[str, dict]:
    return {name: {**defaults[name], **overrides.get(name, {})} for name in defaults}


def _policy(currency: str, values: dict[str, dict]) -> Policy:
    return Policy(currency, MappingProxyType(
        {section.name: section.make(values[section.name]) for section in SECTIONS}))


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
