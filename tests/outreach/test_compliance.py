"""The compliance engine: each rule on its boundaries, their order, and the market rules."""
from __future__ import annotations

from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.outreach import compliance as c
from bot.outreach import facts as f
from bot.outreach.compliance import Contact, Decision, MarketRules, decide, parse_markets, stricter
from bot.outreach.errors import StrategyError
from tests.outreach.facts_builder import BORROWER, at, counts, loan_facts

RULES = MarketRules(time(8), time(21), per_loan_per_day=1, per_loan_per_7_days=7, per_borrower_per_day=2)
STAGE = Contact("stage", None, BORROWER, first=False, discloses=False)
ARRANGEMENT = Contact("arrangement", "deferral", BORROWER, first=False, discloses=False)
ALLOWED = Decision(True, None, "", False)
FULL_HOLDS = (f.DISPUTE, f.LEGAL, f.DISTRESS, f.HARDSHIP, f.HANDOFF)


def held(rule: str, detail: str, temporary: bool) -> Decision:
    return Decision(False, rule, detail, temporary)


def test_rule_ids_in_the_order_they_are_checked() -> None:
    assert c.RULE_IDS == (
        "recipient", "opted_out", "on_hold:dispute", "on_hold:legal", "on_hold:distress",
        "on_hold:hardship", "on_hold:handoff", "on_hold:deferral", "on_hold:promise", "quiet_hours",
        "borrower_daily_cap", "daily_cap", "weekly_cap", "first_contact_disclosure")


def test_a_contact_breaking_no_rule_is_allowed() -> None:
    assert decide(loan_facts(), STAGE, RULES) == ALLOWED
    assert decide(loan_facts(), ARRANGEMENT, RULES) == ALLOWED


# --- who, and holds -----------------------------------------------------------------------------


def test_only_the_borrower_is_written_to() -> None:
    someone_else = Contact("stage", None, "b-2", first=False, discloses=True)
    assert decide(loan_facts(), someone_else, RULES) == held(
        "recipient", "b-2 is not the borrower: only the borrower is ever written to", False)


def test_the_recipient_rule_comes_before_every_other() -> None:
    facts = loan_facts(f.STOP_CONTACT, f.DISPUTE, now=at(23))
    someone_else = Contact("arrangement", "deferral", "b-2", first=True, discloses=False)
    assert decide(facts, someone_else, RULES).rule == "recipient"


@pytest.mark.parametrize("contact", [STAGE, ARRANGEMENT])
def test_an_opted_out_borrower_gets_nothing_not_even_an_arrangement_reminder(contact: Contact) -> None:
    assert decide(loan_facts(f.STOP_CONTACT), contact, RULES) == held(
        "opted_out", "the borrower asked not to be contacted", False)


def test_opting_out_comes_before_any_hold() -> None:
    facts = loan_facts(f.DISPUTE, f.LEGAL, f.DEFERRAL, f.STOP_CONTACT)
    assert decide(facts, STAGE, RULES).rule == "opted_out"


@pytest.mark.parametrize(("hold", "detail"), [
    (f.DISPUTE, "the borrower disputes the debt: collection is on hold"),
    (f.LEGAL, "a legal matter (a lawyer, a court, bankruptcy) is open"),
    (f.DISTRESS, "a distress case is open: a person looks after this borrower"),
    (f.HARDSHIP, "a hardship case is open"),
    (f.HANDOFF, "a person has the conversation"),
])
@pytest.mark.parametrize("contact", [STAGE, ARRANGEMENT])
def test_a_full_hold_stops_every_purpose(hold: str, detail: str, contact: Contact) -> None:
    assert decide(loan_facts(hold), contact, RULES) == held(f"on_hold:{hold}", detail, False)


def test_of_several_holds_the_first_in_rule_order_is_named() -> None:
    assert decide(loan_facts(f.HANDOFF, f.DEFERRAL, f.DISPUTE), STAGE, RULES).rule == "on_hold:dispute"
    assert decide(loan_facts(f.PROMISE, f.HARDSHIP), ARRANGEMENT, RULES).rule == "on_hold:hardship"
    assert decide(loan_facts(f.PROMISE, f.DEFERRAL), STAGE, RULES).rule == "on_hold:deferral"


@pytest.mark.parametrize(("hold", "detail"), [
    (f.DEFERRAL, "a deferral is running: no reminders until its new due date"),
    (f.PROMISE, "the borrower promised to pay: no reminders until the promised date"),
])
def test_a_deferral_or_a_promise_stops_the_stage_reminders(hold: str, detail: str) -> None:
    assert decide(loan_facts(hold), STAGE, RULES) == held(f"on_hold:{hold}", detail, False)


@pytest.mark.parametrize(("hold", "arrangement_type"), [
    (f.DEFERRAL, "deferral"), (f.PROMISE, "promise_to_pay"), (f.DEFERRAL, None)])
def test_a_reminder_of_the_borrowers_own_arrangement_passes_its_hold(
        hold: str, arrangement_type: str | None) -> None:
    contact = Contact("arrangement", arrangement_type, BORROWER, first=False, discloses=False)
    assert decide(loan_facts(hold), contact, RULES) == ALLOWED


def test_a_mistyped_purpose_is_held_like_a_stage_reminder() -> None:
    contact = Contact("stages", None, BORROWER, first=False, discloses=False)
    assert decide(loan_facts(f.PROMISE), contact, RULES).rule == "on_hold:promise"


# --- quiet hours --------------------------------------------------------------------------------


@pytest.mark.parametrize(("hour", "minute", "second"), [(8, 0, 0), (12, 0, 0), (20, 59, 0), (20, 59, 59)])
def test_inside_the_window(hour: int, minute: int, second: int) -> None:
    assert decide(loan_facts(now=at(hour, minute, second)), STAGE, RULES) == ALLOWED


@pytest.mark.parametrize(("hour", "minute", "clock"), [
    (0, 0, "00:00"), (7, 59, "07:59"), (21, 0, "21:00"), (21, 30, "21:30"), (23, 59, "23:59")])
def test_outside_the_window_is_held_until_it_opens(hour: int, minute: int, clock: str) -> None:
    assert decide(loan_facts(now=at(hour, minute)), ARRANGEMENT, RULES) == held(
        "quiet_hours", f"{clock} in Asia/Shanghai is outside 08:00-21:00", True)


def test_quiet_hours_are_the_borrowers_own() -> None:
    new_york = ZoneInfo("America/New_York")
    evening = loan_facts(timezone="America/New_York", now=at(21, 15, zone=new_york))
    assert decide(evening, STAGE, RULES) == held(
        "quiet_hours", "21:15 in America/New_York is outside 08:00-21:00", True)
    # The same instant is 10:15 the next morning in Shanghai: inside.
    assert decide(loan_facts(now=evening.now.astimezone(ZoneInfo("Asia/Shanghai"))), STAGE, RULES) == ALLOWED


def test_holds_come_before_quiet_hours() -> None:
    assert decide(loan_facts(f.LEGAL, now=at(22)), STAGE, RULES).rule == "on_hold:legal"


# --- frequency caps -----------------------------------------------------------------------------


@pytest.mark.parametrize(("sent", "rule", "detail"), [
    ({"borrower_today": 2}, "borrower_daily_cap", "2 already sent to this borrower today; the cap is 2"),
    ({"loan_today": 1}, "daily_cap", "1 already sent about this loan today; the cap is 1"),
    ({"loan_last_7_days": 7}, "weekly_cap", "7 already sent about this loan in 7 days; the cap is 7"),
    ({"loan_last_7_days": 9}, "weekly_cap", "9 already sent about this loan in 7 days; the cap is 7"),
])
@pytest.mark.parametrize("contact", [STAGE, ARRANGEMENT])
def test_a_cap_reached_holds_back_until_later(sent: dict[str, int], rule: str, detail: str,
                                              contact: Contact) -> None:
    assert decide(loan_facts(counts=counts(**sent)), contact, RULES) == held(rule, detail, True)


@pytest.mark.parametrize("sent", [{"borrower_today": 1}, {"loan_last_7_days": 6},
                                  {"loan_today": 0, "loan_last_7_days": 6, "borrower_today": 1}])
def test_one_below_each_cap_is_allowed(sent: dict[str, int]) -> None:
    assert decide(loan_facts(counts=counts(**sent)), STAGE, RULES) == ALLOWED


def test_the_caps_are_the_markets_own() -> None:
    roomy = MarketRules(time(8), time(21), per_loan_per_day=3, per_loan_per_7_days=10, per_borrower_per_day=5)
    assert decide(loan_facts(counts=counts(2, 9, 4)), STAGE, roomy) == ALLOWED
    assert decide(loan_facts(counts=counts(3, 9, 4)), STAGE, roomy) == held(
        "daily_cap", "3 already sent about this loan today; the cap is 3", True)


def test_the_caps_in_order_borrower_then_loan_day_then_week() -> None:
    every_cap = counts(loan_today=1, loan_last_7_days=7, borrower_today=2)
    assert decide(loan_facts(counts=every_cap), STAGE, RULES).rule == "borrower_daily_cap"
    assert decide(loan_facts(counts=counts(loan_today=1, loan_last_7_days=7)), STAGE, RULES).rule \
        == "daily_cap"


def test_quiet_hours_come_before_the_caps() -> None:
    facts = loan_facts(now=at(7), counts=counts(loan_today=1, borrower_today=2))
    assert decide(facts, STAGE, RULES).rule == "quiet_hours"


# --- the first contact --------------------------------------------------------------------------


def test_a_first_contact_must_disclose() -> None:
    contact = Contact("stage", None, BORROWER, first=True, discloses=False)
    assert decide(loan_facts(), contact, RULES) == held(
        "first_contact_disclosure",
        "a first contact must say who writes, that it is automated and about a debt", False)


@pytest.mark.parametrize(("first", "discloses"), [(True, True), (False, True), (False, False)])
def test_disclosure_is_needed_only_the_first_time(first: bool, discloses: bool) -> None:
    contact = Contact("stage", None, BORROWER, first=first, discloses=discloses)
    assert decide(loan_facts(), contact, RULES) == ALLOWED


def test_the_caps_come_before_the_disclosure() -> None:
    contact = Contact("stage", None, BORROWER, first=True, discloses=False)
    assert decide(loan_facts(counts=counts(loan_last_7_days=7)), contact, RULES).rule == "weekly_cap"


# --- markets ------------------------------------------------------------------------------------


def markets(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "default": {"window": "08:00-21:00", "per_loan_per_day": 1, "per_loan_per_7_days": 7,
                    "per_borrower_per_day": 2},
        "CN": {"window": "08:00-22:00"},
        "US": {"window": "08:00-21:00", "per_borrower_per_day": 1},
        "HK": {},
        "SG": None,
    }
    return {**raw, **overrides}


def test_markets_override_only_the_keys_they_write() -> None:
    parsed = parse_markets(markets())
    assert parsed["default"] == RULES
    assert parsed["CN"] == MarketRules(time(8), time(22), 1, 7, 2)
    assert parsed["US"] == MarketRules(time(8), time(21), 1, 7, 1)
    assert parsed["HK"] == parsed["SG"] == RULES
    assert list(parsed) == ["default", "CN", "US", "HK", "SG"]
    assert parsed["CN"].window == "08:00-22:00"


def default_with(**values: Any) -> dict[str, Any]:
    return markets(default={**markets()["default"], **values})


@pytest.mark.parametrize(("raw", "message"), [
    (["default"], "outreach.yml: markets: must be a mapping of markets (default, CN, US, ...)"),
    ({"CN": {"window": "08:00-22:00"}},
     "outreach.yml: markets.default: missing (it applies to every loan and sets every key)"),
    (markets(default={"window": "08:00-21:00", "per_loan_per_day": 1, "per_loan_per_7_days": 7}),
     "outreach.yml: markets.default.per_borrower_per_day: missing (the default market sets every key)"),
    (markets(default=None), "outreach.yml: markets.default: must be a mapping of keys to values"),
    (markets(US=["08:00-21:00"]), "outreach.yml: markets.US: must be a mapping of keys to values"),
    (markets(CN={"windows": "08:00-22:00"}), "outreach.yml: markets.CN.windows: unknown key; expected one "
                                             "of: window, per_loan_per_day, per_loan_per_7_days, "
                                             "per_borrower_per_day"),
    (default_with(per_loan_per_month=30), "outreach.yml: markets.default.per_loan_per_month: unknown key; "
                                          "expected one of: window, per_loan_per_day, per_loan_per_7_days, "
                                          "per_borrower_per_day"),
    (markets(cn={}), "outreach.yml: markets.cn: a market is two capital letters (CN, US) or `default`"),
    (markets(CHN={}), "outreach.yml: markets.CHN: a market is two capital letters (CN, US) or `default`"),
    (markets(CN={"window": "21:00-08:00"}),
     "outreach.yml: markets.CN.window: the window must end after it starts, on the same day"),
    (markets(CN={"window": "08:00-08:00"}),
     "outreach.yml: markets.CN.window: the window must end after it starts, on the same day"),
])
def test_a_mistake_in_markets_names_its_key(raw: Any, message: str) -> None:
    with pytest.raises(StrategyError) as error:
        parse_markets(raw)
    assert str(error.value) == message


@pytest.mark.parametrize("window", ["8-21", "8:00-21:00", "25:00-26:00", "08:00-24:00", "08:60-21:00",
                                    "08:00 - 21:00", "08:00", 800, None])
def test_a_window_not_written_as_hours_is_refused(window: Any) -> None:
    with pytest.raises(StrategyError) as error:
        parse_markets(markets(CN={"window": window}))
    assert str(error.value) == ('outreach.yml: markets.CN.window: write the hours as HH:MM-HH:MM, '
                                'from 00:00 to 23:59, e.g. "08:00-21:00"')


@pytest.mark.parametrize("cap", ["per_loan_per_day", "per_loan_per_7_days", "per_borrower_per_day"])
@pytest.mark.parametrize("value", [0, -1, "2", 1.5, True, False, None])
def test_a_cap_must_be_a_whole_number_from_1(cap: str, value: Any) -> None:
    with pytest.raises(StrategyError) as error:
        parse_markets(markets(US={cap: value}))
    assert str(error.value) == f"outreach.yml: markets.US.{cap}: must be a whole number, 1 or more"


def test_the_errors_name_the_file_they_are_given() -> None:
    with pytest.raises(StrategyError) as error:
        parse_markets(markets(CN={"window": "22:00-08:00"}), where="staging.yml: markets")
    assert str(error.value).startswith("staging.yml: markets.CN.window: ")


def test_stricter_of_china_and_the_us_is_the_us_window() -> None:
    parsed = parse_markets(markets())
    assert stricter([parsed["CN"], parsed["US"]]) == MarketRules(time(8), time(21), 1, 7, 1)
    assert stricter([parsed["US"], parsed["CN"]]) == stricter([parsed["CN"], parsed["US"]])


def test_stricter_takes_the_latest_start_the_earliest_end_and_each_smallest_cap() -> None:
    late_start = MarketRules(time(9, 30), time(22), per_loan_per_day=3, per_loan_per_7_days=5,
                             per_borrower_per_day=4)
    early_end = MarketRules(time(7), time(20), per_loan_per_day=2, per_loan_per_7_days=6,
                            per_borrower_per_day=1)
    assert stricter(iter([late_start, early_end])) == MarketRules(time(9, 30), time(20), 2, 5, 1)
    assert stricter([late_start]) == late_start


def test_windows_that_do_not_overlap_leave_no_hour() -> None:
    morning = MarketRules(time(8), time(12), 1, 7, 2)
    afternoon = MarketRules(time(13), time(21), 1, 7, 2)
    both = stricter([morning, afternoon])
    for hour in (8, 10, 12, 13, 15, 20):
        assert decide(loan_facts(now=at(hour)), STAGE, both).rule == "quiet_hours"


def test_stricter_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no market rules to combine"):
        stricter([])
