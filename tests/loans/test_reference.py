"""Which loan a message means, among the borrower's own: by id, by currency, by place."""
from __future__ import annotations

import pytest

from bot.loans.reference import LoanRef, loans_named

TWO_CURRENCIES = [LoanRef("L-1007", "CNY"), LoanRef("L-1008", "USD")]
SAME_CURRENCY = [LoanRef("L-2004", "HKD"), LoanRef("L-2005", "HKD")]
THREE = [LoanRef("L-2004", "HKD"), LoanRef("L-2005", "HKD"), LoanRef("L-2006", "USD")]


@pytest.mark.parametrize("text, meant", [
    ("L-2004", ("L-2004",)),
    ("how much is left on l2004?", ("L-2004",)),
    ("借款L 2005还欠多少", ("L-2005",)),
    ("L-20045", ()),  # another id, not this one
    ("Paul 2004", ()),  # digits alone name a loan only as an answer
    ("the HKD loan", ("L-2004", "L-2005")),  # could be either: asked again
])
def test_an_id_names_its_loan(text, meant):
    assert loans_named(text, SAME_CURRENCY) == meant


@pytest.mark.parametrize("text, meant", [
    ("the USD one", ("L-1008",)),
    ("defer my US$ loan", ("L-1008",)),
    ("美元那笔", ("L-1008",)),
    ("美金嗰笔", ("L-1008",)),
    ("人民幣那筆", ("L-1007",)),  # Traditional
    ("the rmb loan please", ("L-1007",)),
    ("the HKD loan", ()),  # no loan in HKD
    ("I'll pay 500 yuan", ("L-1007",)),
    ("I'll pay 500 dollars", ()),  # a dollar could be any of four currencies
])
def test_a_currency_names_the_loans_in_it(text, meant):
    assert loans_named(text, TWO_CURRENCIES) == meant


@pytest.mark.parametrize("text, answering, meant", [
    ("the second one", False, ("L-1008",)),
    ("the first loan", False, ("L-1007",)),
    ("the last one", False, ("L-1008",)),
    ("我想延期第二笔借款", False, ("L-1008",)),
    ("頭一筆", False, ("L-1007",)),
    ("最后一个", False, ("L-1008",)),
    ("second", False, ()),  # on its own, only as an answer
    ("second", True, ("L-1008",)),
    ("2", True, ("L-1008",)),
    ("2", False, ()),
    ("第二", True, ("L-1008",)),
    ("1008", True, ("L-1008",)),
    ("the third one", False, ()),  # there is no third
    ("第二期", False, ()),  # an instalment, not a loan
    ("最后一次", True, ()),
    ("I paid last week", True, ()),  # a longer sentence is not a bare ordinal
    ("defer 2 weeks", False, ()),
])
def test_a_place_names_the_loan_in_the_list_shown(text, answering, meant):
    assert loans_named(text, TWO_CURRENCIES, answering=answering) == meant


def test_a_place_counts_among_the_loans_in_the_currency_named():
    assert loans_named("the second HKD loan", THREE) == ("L-2005",)
    assert loans_named("the first HKD one", THREE) == ("L-2004",)
    assert loans_named("the last loan", THREE) == ("L-2006",)


def test_no_loans_nothing_named():
    assert loans_named("the second one", []) == ()
