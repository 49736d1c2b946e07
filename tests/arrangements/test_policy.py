"""bot/arrangements/policy.py: policy.yml as shipped, per-currency overrides, and errors that name the key."""
from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot.arrangements.policy import DEFAULT_PATH, PolicyError, load_policy, parse_policy

SHIPPED = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def edited(path: str, value=None, *, delete: bool = False) -> str:
    """The shipped policy with one key changed (or deleted), as YAML text."""
    document = copy.deepcopy(SHIPPED)
    *parents, last = path.split(".")
    node = document
    for key in parents:
        node = node.setdefault(key, {})
    if delete:
        del node[last]
    else:
        node[last] = value
    return yaml.safe_dump(document, allow_unicode=True)


def test_the_shipped_policy_has_the_agreed_defaults():
    cny = load_policy().for_currency("CNY")
    assert dataclasses.asdict(cny.deferral) == {
        "max_days_past_due": 30, "max_days": 30, "once_per_days": 180,
        "fee": Decimal("0"), "freeze_late_fees": True,
    }
    assert dataclasses.asdict(cny.instalment) == {
        "max_days_past_due": 90, "minimum_overdue": Decimal("300"), "counts": (3, 6, 12),
        "first_within_days": 7, "interval": "monthly",
    }
    assert (cny.promise.horizon_days, cny.promise.allow_partial, cny.review.grace_days) == (14, True, 3)
    assert cny.currency == "CNY"


@pytest.mark.parametrize("currency, minimum", [
    ("CNY", "300"), ("USD", "50"), ("HKD", "50"), ("SGD", "50"), ("TWD", "1500"),
    ("EUR", None), ("JPY", None),
])
def test_minimum_overdue_per_currency(currency, minimum):
    policy = load_policy().for_currency(currency)
    assert policy.instalment.minimum_overdue == (None if minimum is None else Decimal(minimum))
    assert policy.currency == currency
    assert policy.deferral.max_days == 30  # everything else from the defaults


def test_an_override_changes_only_its_keys():
    book = parse_policy(edited("currencies.HKD",
                               {"instalment": {"counts": [6, 3]}, "review": {"grace_days": 5}}))
    hkd, usd = book.for_currency("hkd"), book.for_currency("USD")
    assert hkd.instalment.counts == (3, 6)
    assert hkd.review.grace_days == 5
    assert hkd.instalment.minimum_overdue is None  # the HKD section was replaced whole here
    assert hkd.instalment.first_within_days == 7 and hkd.deferral == usd.deferral
    assert usd.instalment.counts == (3, 6, 12) and usd.review.grace_days == 3


def test_a_currency_can_switch_plans_off():
    book = parse_policy(edited("currencies.CNY.instalment.minimum_overdue", None))
    assert book.for_currency("CNY").instalment.minimum_overdue is None


def test_policies_are_frozen():
    policy = load_policy().for_currency("CNY")
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.deferral.max_days = 365  # type: ignore[misc]


def test_the_file_comes_from_the_argument_or_the_environment(tmp_path: Path, monkeypatch):
    mine = tmp_path / "lender.yml"
    mine.write_text(edited("defaults.promise.horizon_days", 7), encoding="utf-8")
    assert load_policy(mine).for_currency("CNY").promise.horizon_days == 7
    monkeypatch.setenv("BOT_POLICY_FILE", str(mine))
    assert load_policy().for_currency("CNY").promise.horizon_days == 7
    monkeypatch.delenv("BOT_POLICY_FILE")
    assert load_policy().for_currency("CNY").promise.horizon_days == 14


def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(PolicyError, match=r"nowhere\.yml: cannot read the policy file"):
        load_policy(tmp_path / "nowhere.yml")


def test_errors_name_the_file_they_came_from(tmp_path: Path):
    mine = tmp_path / "lender.yml"
    mine.write_text(edited("defaults.review.grace_days", 99), encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load_policy(mine)
    assert str(error.value) == "lender.yml: defaults.review.grace_days: must be a whole number from 0 to 60"


WHOLE = "must be a whole number from"
COUNTS = "must be a list of whole numbers from 2 to 36"


@pytest.mark.parametrize("path, value, message", [
    ("currencies.HKD.instalment.counts", [1, 6], f"policy.yml: currencies.HKD.instalment.counts: {COUNTS}"),
    ("defaults.instalment.counts", [3, 37], f"policy.yml: defaults.instalment.counts: {COUNTS}"),
    ("defaults.instalment.counts", "3, 6", f"policy.yml: defaults.instalment.counts: {COUNTS}"),
    ("defaults.instalment.counts", [], f"policy.yml: defaults.instalment.counts: {COUNTS}"),
    ("defaults.instalment.counts", [3, 3], "policy.yml: defaults.instalment.counts: lists a count twice"),
    ("defaults.deferral.max_days", 0, f"policy.yml: defaults.deferral.max_days: {WHOLE} 1 to 365"),
    ("defaults.deferral.max_days", "30", f"policy.yml: defaults.deferral.max_days: {WHOLE} 1 to 365"),
    ("defaults.deferral.max_days_past_due", True,
     f"policy.yml: defaults.deferral.max_days_past_due: {WHOLE} 0"),
    ("defaults.deferral.once_per_days", -1, f"policy.yml: defaults.deferral.once_per_days: {WHOLE} 0"),
    ("defaults.instalment.max_days_past_due", None,
     f"policy.yml: defaults.instalment.max_days_past_due: {WHOLE}"),
    ("defaults.instalment.first_within_days", 400,
     f"policy.yml: defaults.instalment.first_within_days: {WHOLE}"),
    ("defaults.promise.horizon_days", -1, f"policy.yml: defaults.promise.horizon_days: {WHOLE} 0 to 365"),
    ("currencies.USD.review.grace_days", 61,
     f"policy.yml: currencies.USD.review.grace_days: {WHOLE} 0 to 60"),
    ("defaults.deferral.fee", "-1", "policy.yml: defaults.deferral.fee: must be an amount in quotes"),
    ("defaults.deferral.fee", "ten", "policy.yml: defaults.deferral.fee: must be an amount in quotes"),
    ("currencies.CNY.instalment.minimum_overdue", "300.001",
     "policy.yml: currencies.CNY.instalment.minimum_overdue: must be an amount in quotes"),
    ("currencies.JPY", {"instalment": {"minimum_overdue": "500.5"}},
     "policy.yml: currencies.JPY.instalment.minimum_overdue: must be an amount in quotes"),
    ("defaults.deferral.freeze_late_fees", "yes please",
     "policy.yml: defaults.deferral.freeze_late_fees: must be true or false"),
    ("defaults.promise.allow_partial", 1,
     "policy.yml: defaults.promise.allow_partial: must be true or false"),
    ("defaults.instalment.interval", "weekly",
     "policy.yml: defaults.instalment.interval: must be one of: monthly"),
    ("currencies.USD.promise", {"horizon": 3},
     "policy.yml: currencies.USD.promise.horizon: unknown key; expected one of: allow_partial, horizon_days"),
    ("currencies.USD.refunds", {},
     "policy.yml: currencies.USD.refunds: unknown key; expected one of: deferral,"),
    ("defaults.deferal", {}, "policy.yml: defaults.deferal: unknown key"),
    ("default", {}, "policy.yml: default: unknown key; expected one of: currencies, defaults"),
    ("currencies.usd", {}, "policy.yml: currencies.usd: must be an ISO 4217 currency code like CNY"),
    ("defaults.deferral", "none", "policy.yml: defaults.deferral: must be a mapping of keys to values"),
    ("currencies.CNY", [1], "policy.yml: currencies.CNY: must be a mapping of keys to values"),
    ("currencies", [1], "policy.yml: currencies: must be a mapping of keys to values"),
])
def test_every_error_names_its_key(path, value, message):
    with pytest.raises(PolicyError) as error:
        parse_policy(edited(path, value))
    assert str(error.value).startswith(message), str(error.value)


@pytest.mark.parametrize("path, message", [
    ("defaults.review.grace_days", "policy.yml: defaults.review.grace_days: missing"),
    ("defaults.deferral.fee", "policy.yml: defaults.deferral.fee: missing"),
    ("defaults.promise", "policy.yml: defaults.promise: missing"),
    ("defaults", "policy.yml: defaults: missing"),
])
def test_defaults_must_be_complete(path, message):
    with pytest.raises(PolicyError) as error:
        parse_policy(edited(path, delete=True))
    assert str(error.value) == message


@pytest.mark.parametrize("path, value, message", [
    ("defaults.deferral.fee", 0.5,
     'policy.yml: defaults.deferral.fee: write money in quotes, like "0.5": a bare 0.5 is an inexact float'),
    ("currencies.CNY.instalment.minimum_overdue", 300.5,
     'policy.yml: currencies.CNY.instalment.minimum_overdue: write money in quotes, like "300.5"'),
    ("defaults.deferral.max_days", 30.0, f"policy.yml: defaults.deferral.max_days: {WHOLE} 1 to 365"),
    ("defaults.instalment.counts", [3, 6.0], f"policy.yml: defaults.instalment.counts: {COUNTS}"),
])
def test_floats_are_refused(path, value, message):
    with pytest.raises(PolicyError) as error:
        parse_policy(edited(path, value))
    assert str(error.value).startswith(message), str(error.value)


def test_a_float_is_quoted_as_the_lender_wrote_it():
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace('{minimum_overdue: "300"}',
                                                            "{minimum_overdue: 300.50}")
    with pytest.raises(PolicyError, match=r'currencies\.CNY\.instalment\.minimum_overdue: '
                                          r'write money in quotes, like "300\.50"'):
        parse_policy(text)


def test_whole_numbers_are_exact_money():
    book = parse_policy(edited("currencies.CNY.instalment.minimum_overdue", 300))
    assert book.for_currency("CNY").instalment.minimum_overdue == Decimal("300")


def test_duplicate_keys_are_refused():
    text = DEFAULT_PATH.read_text(encoding="utf-8") + "  CNY:\n    review: {grace_days: 1}\n"
    with pytest.raises(PolicyError, match=r"policy\.yml: duplicate key 'CNY'"):
        parse_policy(text)


@pytest.mark.parametrize("text, message", [
    ("defaults: [", "policy.yml: not valid YAML"),
    ("- 1\n- 2\n", "policy.yml: must be a mapping of keys to values"),
    ("", "policy.yml: must be a mapping of keys to values"),
])
def test_a_file_that_is_not_a_policy(text, message):
    with pytest.raises(PolicyError, match=message):
        parse_policy(text)
