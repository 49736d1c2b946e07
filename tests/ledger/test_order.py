"""bot/ledger/order.py: the order a payment pays a bill's components in, from policy.yml's
`payments` section, checked with the rest of the policy (errors name the key)."""
from __future__ import annotations

import pytest

from bot.arrangements.policy import PolicyError, load_policy, parse_policy
from bot.ledger.order import DEFAULT_ORDER
from tests.arrangements.test_policy import edited


def test_the_shipped_order_is_late_fee_interest_principal():
    assert load_policy().for_currency("CNY").payments.allocation_order == DEFAULT_ORDER
    assert DEFAULT_ORDER == ("late_fee", "interest", "principal")


def test_a_lender_may_set_its_own_order_per_currency():
    book = parse_policy(edited("currencies.USD.payments", {"allocation_order": ["principal", "interest",
                                                                               "late_fee"]}))
    assert book.for_currency("USD").payments.allocation_order == ("principal", "interest", "late_fee")
    assert book.for_currency("CNY").payments.allocation_order == DEFAULT_ORDER


@pytest.mark.parametrize("value", [["late_fee", "interest"], ["late_fee", "late_fee", "principal"],
                                   ["late_fee", "interest", "principal", "fees"], "late_fee", []])
def test_an_order_must_name_each_component_once(value):
    with pytest.raises(PolicyError, match=r"^policy\.yml: defaults\.payments\.allocation_order: must list "
                                          r"each of late_fee, interest, principal once"):
        parse_policy(edited("defaults.payments.allocation_order", value))


def test_the_section_is_required():
    with pytest.raises(PolicyError, match=r"^policy\.yml: defaults\.payments: missing$"):
        parse_policy(edited("defaults.payments", delete=True))
