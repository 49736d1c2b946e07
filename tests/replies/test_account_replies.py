"""The balance answer's payoff: everything still to repay, less the loan's credit."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from bot.loans.accounts import Account
from bot.loans.balance import BillLine, loan_balance
from bot.replies.account import balance_replies

TODAY = date(2026, 11, 23)


def account(credit: str | None) -> Account:
    balance = loan_balance("L-1", "SGD", D("600.00"), [
        BillLine(date(2026, 12, 1), D("300.00"), D("4.50"), D("0"), D("0")),
        BillLine(date(2027, 1, 1), D("300.00"), D("3.00"), D("0"), D("0")),
    ], TODAY)
    credits = {"L-1": D(credit)} if credit else {}
    return Account("b-1", "Tan", "en", "Asia/Singapore", TODAY, (balance,), credits)


def payoff(replies) -> list:
    return [reply.values for reply in replies if reply.response == "utter_balance_payoff"]


def test_the_payoff_is_everything_still_to_repay():
    assert payoff(balance_replies(account(None), "en")) == [{"loan_id": "L-1", "payoff": "SGD 607.50"}]


def test_a_credit_is_taken_off_the_payoff_exactly():
    assert payoff(balance_replies(account("7.25"), "zh")) == [{"loan_id": "L-1", "payoff": "SGD 600.25"}]


def test_the_payoff_is_never_below_zero():
    assert payoff(balance_replies(account("900.00"), "en")) == [{"loan_id": "L-1", "payoff": "SGD 0.00"}]
