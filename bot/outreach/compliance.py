"""The compliance engine: whether a contact may be written now, and if not, the rule that
holds it back, in words an agent or an examiner can read.

Defaults (outreach.yml's `markets.default`): contact only 08:00–21:00 in the borrower's own
time (US Regulation F's convenient hours; 08:00–22:00 is the China Banking Association's
limit), at most one message a loan a day, two a borrower, and 7 a loan in 7 days (Reg F's
cap on attempts). Every market in outreach.yml may set its own; where several apply (the
loan's currency names one, the borrower's time zone another) the stricter of all wins, rule
by rule. Every rule is a small function, checked in order; the first that holds a contact
back decides.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import time
from typing import Any

from bot.outreach import facts as f
from bot.outreach.errors import StrategyError
from bot.outreach.facts import LoanFacts

RECIPIENT, OPTED_OUT, QUIET_HOURS = "recipient", "opted_out", "quiet_hours"
BORROWER_DAILY_CAP, DAILY_CAP, WEEKLY_CAP = "borrower_daily_cap", "daily_cap", "weekly_cap"
FIRST_CONTACT_DISCLOSURE = "first_contact_disclosure"
STAGE, ARRANGEMENT = "stage", "arrangement"  # a contact's purpose
# Holds that stop everything, and those that stop only the stage reminders (a deferral's or a
# promise's own dates may still be recalled: the borrower chose them).
FULL_HOLDS = (f.DISPUTE, f.LEGAL, f.DISTRESS, f.HARDSHIP, f.HANDOFF)
STAGE_HOLDS = (f.DEFERRAL, f.PROMISE)
ON_HOLD = "on_hold:"  # + the hold: on_hold:dispute
RULE_IDS = (RECIPIENT, OPTED_OUT, *(ON_HOLD + hold for hold in (*FULL_HOLDS, *STAGE_HOLDS)),
            QUIET_HOURS, BORROWER_DAILY_CAP, DAILY_CAP, WEEKLY_CAP, FIRST_CONTACT_DISCLOSURE)

MARKET = re.compile(r"[A-Z]{2}|default")
WINDOW = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])")
CAPS = ("per_loan_per_day", "per_loan_per_7_days", "per_borrower_per_day")


@dataclass(frozen=True)
class MarketRules:
    window_start: time  # the borrower's local time, inclusive
    window_end: time  # exclusive: a message at exactly window_end is outside
    per_loan_per_day: int  # contacts to one loan on one local day
    per_loan_per_7_days: int  # to one loan in the 7 local days ending today
    per_borrower_per_day: int  # to one borrower, all loans, on one local day

    @property
    def window(self) -> str:
        return f"{self.window_start:%H:%M}-{self.window_end:%H:%M}"


@dataclass(frozen=True)
class Contact:
    purpose: str  # STAGE | ARRANGEMENT
    arrangement_type: str | None  # an arrangement reminder's: deferral | instalment_plan | promise_to_pay
    recipient: str  # the borrower the message goes to
    first: bool  # the first contact ever to this borrower
    discloses: bool  # says who is writing, that it is automated, that it is about a debt


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: str | None  # the rule that held it back
    detail: str  # the rule's own words, for the agent view and the audit ("" when allowed)
    temporary: bool  # may pass later (quiet hours, a cap): a later pass tries again


ALLOWED = Decision(True, None, "", False)
Rule = Callable[[LoanFacts, Contact, MarketRules], Decision | None]


def decide(facts: LoanFacts, contact: Contact, rules: MarketRules) -> Decision:
    for rule in RULES:
        held = rule(facts, contact, rules)
        if held is not None:
            return held
    return ALLOWED


def only_the_borrower(facts: LoanFacts, contact: Contact, rules: MarketRules) -> Decision | None:
    if contact.recipient == facts.borrower_id:
        return None
    return Decision(False, RECIPIENT,
                    f"{contact.recipient} is not the borrower: only the borrower is ever written to", False)


def opted_out(facts: LoanFacts, contact: Contact, rules: MarketRules) -> Decision | None:
    if f.STOP_CONTACT not in facts.holds:
        return None
    return Decision(False, OPTED_OUT, "the borrower asked not to be contacted", False)


def on_hold(facts: LoanFacts, contact: Contact, rules: MarketRules) -> Decision | None:
    holding = [h for h in FULL_HOLDS if h in facts.holds]
    if contact.purpose != ARRANGEMENT:  # a purpose mistyped is held like a stage reminder
        holding += [h for h in STAGE_HOLDS if h in facts.holds]
    if not holding:
        return None
    return Decision(False, ON_HOLD + holding[0], HOLD_WORDS[holding[0]], False)


HOLD_WORDS = {
    f.DISPUTE: "the borrower disputes the debt: collection is on hold",
    f.LEGAL: "a legal matter (a lawyer, a court, bankruptcy) is open",
    f.DISTRESS: "a distress case is open: a person looks after this borrower",
    f.HARDSHIP: "a hardship case is open",
    f.HANDOFF: "a person has the conversation",
    f.DEFERRAL: "a deferral is running: no reminders until its new due date",
    f.PROMISE: "the borrower promised to pay: no reminders until the promised date",
}


def quiet_hours(facts: LoanFacts, contact: Contact, rules: MarketRules) -> Decision | None:
    clock = facts.now.time()  # the borrower's own: facts.now is in their zone
    if rules.window_start <= clock < rules.window_end:
        return None
    return Decision(False, QUIET_HOURS,
                    f"{clock:%H:%M} in {facts.timezone} is outside {rules.window}", True)


def borrower_daily_cap(facts: LoanFacts, contact: Contact, rules: MarketRules) -> Decision | None:
    return _cap(facts.counts.borrower_today, rules.per_borrower_per_day, BORROWER_DAILY_CAP,
                "to this borrower today")


def daily_cap(facts: LoanFacts, contact: Contact, rules: MarketRules) -> Decision | None:
    return _cap(facts.counts.loan_today, rules.per_loan_per_day, DAILY_CAP, "about this loan today")


def weekly_cap(facts: LoanFacts, contact: Contact, rules: MarketRules) -> Decision | None:
    return _cap(facts.counts.loan_last_7_days, rules.per_loan_per_7_days, WEEKLY_CAP,
                "about this loan in 7 days")


def first_contact_discloses(facts: LoanFacts, contact: Contact, rules: MarketRules) -> Decision | None:
    if not contact.first or contact.discloses:
        return None
    return Decision(False, FIRST_CONTACT_DISCLOSURE,
                    "a first contact must say who writes, that it is automated and about a debt", False)


def _cap(sent: int, cap: int, rule: str, what: str) -> Decision | None:
    if sent < cap:
        return None
    return Decision(False, rule, f"{sent} already sent {what}; the cap is {cap}", True)


RULES: tuple[Rule, ...] = (only_the_borrower, opted_out, on_hold, quiet_hours, borrower_daily_cap,
                           daily_cap, weekly_cap, first_contact_discloses)


def stricter(rules: Iterable[MarketRules]) -> MarketRules:
    """Where several markets apply: the latest start, the earliest end, the smallest caps."""
    every = list(rules)
    if not every:
        raise ValueError("no market rules to combine")
    # Two windows that do not overlap make an empty one: no hour suits both, none is used.
    return MarketRules(window_start=max(r.window_start for r in every),
                       window_end=min(r.window_end for r in every),
                       **{cap: min(getattr(r, cap) for r in every) for cap in CAPS})


def parse_markets(raw: Any, where: str = "outreach.yml: markets") -> dict[str, MarketRules]:
    """`default` with every key; each other market overrides only the keys it writes."""
    if not isinstance(raw, dict):
        raise StrategyError(f"{where}: must be a mapping of markets (default, CN, US, ...)")
    if "default" not in raw:
        raise StrategyError(f"{where}.default: missing (it applies to every loan and sets every key)")
    default = MarketRules(**_values(raw["default"], f"{where}.default", complete=True))
    markets = {"default": default}
    for name, body in raw.items():
        if not isinstance(name, str) or not MARKET.fullmatch(name):
            raise StrategyError(f"{where}.{name}: a market is two capital letters (CN, US) or `default`")
        if name != "default":  # `HK: {}` or a bare `HK:` follows the default in everything
            markets[name] = replace(default, **_values(body or {}, f"{where}.{name}", complete=False))
    return markets


def _values(raw: Any, where: str, complete: bool) -> dict[str, Any]:
    """The keys a market writes, checked, as MarketRules fields."""
    if not isinstance(raw, dict):
        raise StrategyError(f"{where}: must be a mapping of keys to values")
    keys = ("window", *CAPS)
    unknown = sorted(str(key) for key in raw if key not in keys)
    if unknown:
        raise StrategyError(f"{where}.{unknown[0]}: unknown key; expected one of: {', '.join(keys)}")
    missing = [key for key in keys if key not in raw] if complete else []
    if missing:
        raise StrategyError(f"{where}.{missing[0]}: missing (the default market sets every key)")
    values: dict[str, Any] = {cap: _whole(raw[cap], f"{where}.{cap}") for cap in CAPS if cap in raw}
    if "window" in raw:
        values["window_start"], values["window_end"] = _window(raw["window"], f"{where}.window")
    return values


def _window(raw: Any, where: str) -> tuple[time, time]:
    match = WINDOW.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        raise StrategyError(f'{where}: write the hours as HH:MM-HH:MM, from 00:00 to 23:59, '
                            'e.g. "08:00-21:00"')
    start_h, start_m, end_h, end_m = map(int, match.groups())
    start, end = time(start_h, start_m), time(end_h, end_m)
    if end <= start:  # a window over midnight would allow the night
        raise StrategyError(f"{where}: the window must end after it starts, on the same day")
    return start, end


def _whole(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:  # YAML's `yes` is a bool
        raise StrategyError(f"{where}: must be a whole number, 1 or more")
    return raw
