"""outreach.yml's `segments`: the risk rules, the value threshold and the plan of each segment.

    segments:
      risk:                          # the first rule whose every condition holds
        - {name: high, min_days_past_due: 31}
        - {name: low}                # the last has no condition
      value: {high_from: {CNY: "5000"}}
      plans:                         # "risk/value", "*" for any: the most specific wins
        "high/*": {plan: early_person, first_offer: person}
        "*/*": {plan: standard, first_offer: pay_now}
"""
from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from bot.outreach.errors import StrategyError
from bot.outreach.strategy_values import at, currency, keys, mapping, money, one_of, whole

RISKS = ("low", "medium", "high")
VALUES = ("low", "high")
ANY = "*"
CONDITIONS = ("min_days_past_due", "min_broken_arrangements", "min_bills_paid_late")


@dataclass(frozen=True)
class RiskRule:
    name: str  # RISKS
    min_days_past_due: int | None = None  # None: no condition on it
    min_broken_arrangements: int | None = None
    min_bills_paid_late: int | None = None


@dataclass(frozen=True)
class SegmentPlan:
    plan: str  # a plan of outreach.yml's `plans`
    first_offer: str  # the offer the messages lead with, and the first button


@dataclass(frozen=True)
class SegmentRules:
    risk: tuple[RiskRule, ...]  # in order: the first whose every condition holds
    high_from: Mapping[str, Decimal]  # by currency: outstanding at least this is high value
    plans: Mapping[str, SegmentPlan]  # by "risk/value" pattern

    def plan_for(self, risk: str, value: str) -> SegmentPlan:
        """The most specific pattern's (exact beats `*`; the file is checked to have exactly one)."""
        return self.plans[_best_pattern(tuple(self.plans), risk, value)]


def parse_segments(raw: Any, where: str, plans: tuple[str, ...], offers: tuple[str, ...]) -> SegmentRules:
    given = keys(raw, where, ("risk", "value", "plans"), ("risk", "value", "plans"))
    value = keys(given["value"], at(where, "value"), ("high_from",), ("high_from",))
    rules = SegmentRules(
        risk=_risk(given["risk"], at(where, "risk")),
        high_from=_high_from(value["high_from"], at(at(where, "value"), "high_from")),
        plans=MappingProxyType(_plans(given["plans"], at(where, "plans"), plans, offers)),
    )
    _check_every_segment(rules.plans, at(where, "plans"))
    return rules


def _risk(raw: Any, where: str) -> tuple[RiskRule, ...]:
    if not isinstance(raw, list) or not raw:
        raise StrategyError(f"{where}: must be a list of rules, like - {{name: high, min_days_past_due: 31}}")
    rules = tuple(_rule(item, f"{where}[{i}]") for i, item in enumerate(raw))
    for i, rule in enumerate(rules):
        unconditional = all(getattr(rule, condition) is None for condition in CONDITIONS)
        if unconditional != (i == len(rules) - 1):
            raise StrategyError(f"{where}[{i}]: only the last rule, and always the last, has no condition "
                                "(every loan falls in some risk)")
    return rules


def _rule(raw: Any, where: str) -> RiskRule:
    given = keys(raw, where, ("name", *CONDITIONS), ("name",))
    return RiskRule(one_of(given["name"], at(where, "name"), RISKS),
                    **{condition: whole(given[condition], at(where, condition), 0)
                       for condition in CONDITIONS if condition in given})


def _high_from(raw: Any, where: str) -> Mapping[str, Decimal]:
    amounts = {}
    for code, amount in mapping(raw, where).items():
        amounts[currency(code, at(where, code))] = money(amount, at(where, code), code)
    return MappingProxyType(amounts)


def _plans(raw: Any, where: str, plans: tuple[str, ...], offers: tuple[str, ...]) -> dict[str, SegmentPlan]:
    found = {}
    for pattern, value in mapping(raw, where).items():
        here = at(where, pattern)
        parts = pattern.split("/") if isinstance(pattern, str) else []
        if len(parts) != 2 or parts[0] not in (*RISKS, ANY) or parts[1] not in (*VALUES, ANY):
            raise StrategyError(f"{here}: a segment is risk/value ({'|'.join(RISKS)} / {'|'.join(VALUES)}, "
                                "or * for any), like high/* or low/high")
        given = keys(value, here, ("plan", "first_offer"), ("plan", "first_offer"))
        found[pattern] = SegmentPlan(one_of(given["plan"], at(here, "plan"), plans),
                                     one_of(given["first_offer"], at(here, "first_offer"), offers))
    return found


def _check_every_segment(plans: Mapping[str, SegmentPlan], where: str) -> None:
    """Every risk/value has exactly one most specific pattern, so no loan is left without a plan
    and none depends on the file's order."""
    for risk, value in itertools.product(RISKS, VALUES):
        best = _best(plans, risk, value)
        if not best:
            raise StrategyError(f'{where}: no plan for {risk}/{value}; add one, or "*/*" for the rest')
        if len(best) > 1:
            raise StrategyError(f"{where}: {' and '.join(best)} both fit {risk}/{value}; "
                                f"add {risk}/{value} to say which")


@functools.lru_cache(maxsize=256)  # nine segments; a pass asks for each loan
def _best_pattern(patterns: tuple[str, ...], risk: str, value: str) -> str:
    return _best(patterns, risk, value)[0]


def _best(plans: Iterable[str], risk: str, value: str) -> list[str]:
    """The matching patterns with the most exact parts."""
    matching = [pattern for pattern in plans if _fits(pattern, risk, value)]
    most = max((_exact(pattern) for pattern in matching), default=0)
    return [pattern for pattern in matching if _exact(pattern) == most]


def _fits(pattern: str, risk: str, value: str) -> bool:
    return all(part in (ANY, own) for part, own in zip(pattern.split("/"), (risk, value), strict=True))


def _exact(pattern: str) -> int:
    return sum(part != ANY for part in pattern.split("/"))
