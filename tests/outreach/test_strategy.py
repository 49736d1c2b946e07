"""outreach.yml: the shipped file loads, and every mistake names its key."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.outreach.errors import StrategyError
from bot.outreach.strategy import DEFAULT_PATH, load_strategy, parse_strategy
from bot.outreach.strategy_values import read_yaml

TEXT = DEFAULT_PATH.read_text(encoding="utf-8")
STAGE_FIELDS = "{name}, {loan}, {amount}, {due_date}, {days}, {lender}"


def document() -> Any:
    """A fresh copy of the shipped file's document, to spoil."""
    return read_yaml(TEXT, "outreach.yml")


def refused(spoil: Callable[[Any], object], message: str) -> None:
    raw = document()
    spoil(raw)
    with pytest.raises(StrategyError) as error:
        parse_strategy(raw)
    assert str(error.value) == message


def refused_text(old: str, new: str, message: str) -> None:
    assert old in TEXT
    with pytest.raises(StrategyError) as error:
        parse_strategy(TEXT.replace(old, new, 1))
    assert str(error.value) == message


def champion(raw: Any, stage: str) -> dict:
    return raw["stages"][stage]["variants"]["champion"]


# --- the shipped file -------------------------------------------------------------------------


def test_the_shipped_strategy_loads() -> None:
    strategy = load_strategy()
    assert strategy is load_strategy(DEFAULT_PATH)  # read once
    assert (strategy.lender.en, strategy.lender.zh) == ("Wallet Credit", "钱包信用")
    assert strategy.catch_up_days == 2
    assert set(strategy.markets) == {"default", "CN", "US", "HK", "SG", "TW"}
    assert strategy.market_of.markets("CNY", "America/New_York") == ("CN", "US")
    assert strategy.market_of.markets("JPY", "Europe/Paris") == ()
    assert list(strategy.events) == ["due_in_2_days", "due_today", "missed", "broken"]
    assert list(strategy.buttons) == ["pay_now", "pay_later", "instalments", "person"]
    assert strategy.buttons["person"].intent == "request_human"


def test_the_shipped_plans_by_offset() -> None:
    plans = load_strategy().plans
    assert [(s.name, s.offset) for s in plans["standard"]] == [
        ("D-3", -3), ("D0", 0), ("D+1", 1), ("D+7", 7), ("D+15", 15), ("D+30", 30), ("D+60", 60),
        ("D+90", 90)]
    assert [s.name for s in plans["early_person"]] == [
        "D-3", "D0", "D+1", "D+5", "D+10", "D+20", "D+30", "D+60", "D+90"]


def test_d1_and_d7_test_a_challenger_half_and_half() -> None:
    split = {s.name: [(v.name, v.weight) for v in s.message.variants]
             for s in load_strategy().plans["standard"] if len(s.message.variants) > 1}
    assert split == {"D+1": [("champion", 50), ("challenger", 50)],
                     "D+7": [("champion", 50), ("challenger", 50)]}
    stages = {s.name: s for s in load_strategy().plans["standard"]}
    for stage in ("D+1", "D+7"):
        champion_, challenger = stages[stage].message.variants
        assert champion_.en != challenger.en and champion_.zh != challenger.zh


def test_plans_are_sorted_by_offset_as_written_or_not() -> None:
    raw = document()
    raw["plans"]["standard"] = ["D+7", "D-3", "D0"]
    assert [s.offset for s in parse_strategy(raw).plans["standard"]] == [-3, 0, 7]


# --- mistakes, each naming its key -------------------------------------------------------------


def test_a_missing_chinese_text() -> None:
    refused(lambda raw: champion(raw, "D0").pop("zh"),
            "outreach.yml: stages.D0.variants.champion.zh: missing")


def test_a_missing_chinese_offer_line() -> None:
    refused(lambda raw: raw["offers"]["person"].pop("zh"), "outreach.yml: offers.person.zh: missing")


def test_an_unknown_placeholder() -> None:
    refused(lambda raw: champion(raw, "D+7").update(en="Hi {name}, {amount_due} is overdue on {loan}."),
            f"outreach.yml: stages.D+7.variants.champion.en: unknown placeholder {{amount_due}}; "
            f"expected one of: {STAGE_FIELDS}")


def test_an_event_placeholder_in_a_stage() -> None:
    refused(lambda raw: champion(raw, "D0").update(zh="{name}您好，第 {number} 笔今天到期。"),
            f"outreach.yml: stages.D0.variants.champion.zh: unknown placeholder {{number}}; "
            f"expected one of: {STAGE_FIELDS}")


def test_a_broken_template() -> None:
    refused(lambda raw: raw["opt_out"].update(en="Reply STOP {and we will stop."),
            "outreach.yml: opt_out.en: not a valid template (expected '}' before end of string); "
            "write a literal brace as {{ or }}")


def test_a_placeholder_with_a_format() -> None:
    refused(lambda raw: champion(raw, "D0").update(en="Hi {name}, {amount:>10} is due on {loan}."),
            "outreach.yml: stages.D0.variants.champion.en: write the placeholder plain, as {amount}")


def test_a_plan_naming_a_missing_stage() -> None:
    refused(lambda raw: raw["plans"]["standard"].append("D+45"),
            "outreach.yml: plans.standard: names stage D+45, which stages does not define")


def test_a_stage_twice_in_a_plan() -> None:
    refused(lambda raw: raw["plans"]["early_person"].append("D0"),
            "outreach.yml: plans.early_person: names D0 twice; a plan has one stage a day")


@pytest.mark.parametrize("name", ["D7", "D+07", "Day+7", "D+0", "d+7", "D-"])
def test_a_stage_name_that_says_no_day(name: str) -> None:
    refused(lambda raw: raw["stages"].update({name: raw["stages"]["D+7"]}),
            f"outreach.yml: stages.{name}: a stage is named by its days from the due date, "
            "like D-3, D0 or D+7")


def test_a_bare_float_for_money() -> None:
    refused_text('CNY: "5000"', "CNY: 5000.50",
                 'outreach.yml: segments.value.high_from.CNY: write money in quotes, like "5000.50": '
                 "a bare 5000.50 is an inexact float")


def test_money_with_more_decimals_than_the_currency() -> None:
    refused_text('USD: "700"', 'USD: "700.001"',
                 "outreach.yml: segments.value.high_from.USD: must be an amount in quotes, like \"5000\" "
                 "('700.001' has more decimals than USD allows)")


@pytest.mark.parametrize("weight", [0, -1, "50", 1.5, True])
def test_a_bad_weight(weight: object) -> None:
    refused(lambda raw: raw["stages"]["D+7"]["variants"]["challenger"].update(weight=weight),
            "outreach.yml: stages.D+7.variants.challenger.weight: must be a whole number ≥ 1")


def test_an_unknown_key_in_a_variant() -> None:
    refused(lambda raw: champion(raw, "D0").update(fr="Bonjour"),
            "outreach.yml: stages.D0.variants.champion.fr: unknown key; expected one of: en, weight, zh")


def test_an_unknown_section() -> None:
    refused(lambda raw: raw.update(schedule={}),
            "outreach.yml: schedule: unknown key; expected one of: buttons, catch_up_days, disclosure, "
            "events, lender, market_of, markets, offers, opt_out, plans, segments, stages")


def test_an_unknown_first_offer() -> None:
    refused(lambda raw: raw["segments"]["plans"]["*/*"].update(first_offer="discount"),
            "outreach.yml: segments.plans.*/*.first_offer: must be one of: "
            "pay_now, pay_later, instalments, person")


def test_a_segment_naming_a_missing_plan() -> None:
    refused(lambda raw: raw["segments"]["plans"]["high/*"].update(plan="early"),
            "outreach.yml: segments.plans.high/*.plan: must be one of: standard, early_person")


def test_a_bad_segment_pattern() -> None:
    vip = {"vip/*": {"plan": "standard", "first_offer": "pay_now"}}
    refused(lambda raw: raw["segments"]["plans"].update(vip),
            "outreach.yml: segments.plans.vip/*: a segment is risk/value (low|medium|high / low|high, "
            "or * for any), like high/* or low/high")


def test_a_risk_rule_after_the_unconditional_one() -> None:
    refused(lambda raw: raw["segments"]["risk"].append({"name": "high", "min_days_past_due": 90}),
            "outreach.yml: segments.risk[5]: only the last rule, and always the last, has no condition "
            "(every loan falls in some risk)")


def test_an_unknown_risk_condition() -> None:
    refused(lambda raw: raw["segments"]["risk"][0].update(max_days_past_due=60),
            "outreach.yml: segments.risk[0].max_days_past_due: unknown key; expected one of: "
            "min_bills_paid_late, min_broken_arrangements, min_days_past_due, name")


def test_a_missing_event() -> None:
    refused(lambda raw: raw["events"].pop("broken"), "outreach.yml: events.broken: missing")


def test_a_currency_in_no_market() -> None:
    refused(lambda raw: raw["market_of"]["currencies"].update(CNY="China"),
            "outreach.yml: market_of.currencies.CNY: must be one of: CN, HK, SG, TW, US")


def test_an_unknown_time_zone() -> None:
    refused(lambda raw: raw["market_of"]["timezones"].update({"Asia/Peking": "CN"}),
            "outreach.yml: market_of.timezones.Asia/Peking: must be a time zone like Asia/Shanghai")


def test_catch_up_days_out_of_range() -> None:
    refused(lambda raw: raw.update(catch_up_days=-1),
            "outreach.yml: catch_up_days: must be a whole number from 0 to 30")


def test_a_button_without_an_intent() -> None:
    refused(lambda raw: raw["buttons"]["pay_later"].pop("intent"),
            "outreach.yml: buttons.pay_later.intent: missing")


def test_a_duplicate_key_in_the_yaml() -> None:
    stages = TEXT.splitlines().index("stages:") + 2  # the mapping's first line
    refused_text("  D0:\n", "  D-3:\n", f"outreach.yml: duplicate key 'D-3' (line {stages})")


def test_an_unreadable_file(tmp_path) -> None:
    with pytest.raises(StrategyError, match=re.escape(f"{tmp_path / 'none.yml'}: cannot read the outreach")):
        load_strategy(tmp_path / "none.yml")


# --- banned phrasing and markets ----------------------------------------------------------------


def test_a_threat_in_a_template_is_refused_by_the_lint() -> None:
    with pytest.raises(StrategyError, match=r"^outreach.yml: stages.D\+90.variants.champion.en: "
                                            r"banned phrasing \(false_legal\): 'legal action'"):
        raw = document()
        champion(raw, "D+90")["en"] = "Dear {name}, pay {amount} on {loan} or we take legal action."
        parse_strategy(raw)


def test_a_third_party_in_a_chinese_offer_line_is_refused() -> None:
    with pytest.raises(StrategyError, match=r"^outreach.yml: offers.pay_later.zh: "
                                            r"banned phrasing \(third_party\): '家人'"):
        raw = document()
        raw["offers"]["pay_later"]["zh"] = "如果现在不方便，可以请家人帮忙。"
        parse_strategy(raw)


def test_a_mistake_in_markets_names_its_key() -> None:
    refused(lambda raw: raw["markets"]["US"].update(window="21:00-08:00"),
            "outreach.yml: markets.US.window: the window must end after it starts, on the same day")


def test_rules_for_a_loan_in_two_markets_are_the_stricter_of_both() -> None:
    raw = document()
    raw["markets"]["CN"] = {"window": "09:00-22:00", "per_loan_per_7_days": 5}
    raw["markets"]["US"] = {"window": "08:00-20:00", "per_borrower_per_day": 1}
    strategy = parse_strategy(raw)
    both = strategy.rules_for("CNY", "America/New_York")
    assert (both.window, both.per_loan_per_day, both.per_loan_per_7_days, both.per_borrower_per_day) \
        == ("09:00-20:00", 1, 5, 1)
    cn = strategy.rules_for("CNY", "Asia/Shanghai")
    assert (cn.window, cn.per_loan_per_7_days, cn.per_borrower_per_day) == ("09:00-22:00", 5, 2)  # its own
    us = strategy.rules_for("USD", "UTC")  # by the currency alone
    assert (us.window, us.per_loan_per_7_days, us.per_borrower_per_day) == ("08:00-20:00", 7, 1)
    neither = strategy.rules_for("JPY", "Europe/Paris")
    assert neither == strategy.markets["default"]


def test_the_shipped_rules_for_cny_in_new_york() -> None:
    strategy = load_strategy()
    rules = strategy.rules_for("CNY", "America/New_York")
    assert rules.window == "08:00-21:00"  # CN allows to 22:00, US (and the default) to 21:00
    assert (rules.per_loan_per_day, rules.per_loan_per_7_days, rules.per_borrower_per_day) == (1, 7, 2)
