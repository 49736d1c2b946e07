"""The test borrowers' builder (tests/builders.py) says what CONTRACT §3's example says."""
from __future__ import annotations

from bot.loans.fixtures import parse_fixture_text
from tests.builders import CONTRACT_DAY, wang
from tests.fixtures import CONTRACT_EXAMPLE


def test_wang_is_the_contract_s_borrower_on_the_contract_s_day():
    assert [wang().spec(CONTRACT_DAY)] == parse_fixture_text(CONTRACT_EXAMPLE)
