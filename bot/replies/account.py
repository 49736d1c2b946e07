"""What the bot says about an account, as (response name, values) pairs.

Actions hand these to Rasa, which renders the response in the conversation's language; the
wording lives in domain.yml. Amounts and dates are formatted here, for the reader's language.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from bot.loans.accounts import Account
from bot.loans.balance import LoanBalance, totals_by_currency
from bot.money import format_money
from bot.replies.dates import show_date
from bot.replies.reply import Reply


def balance_replies(account: Account, language: str) -> list[Reply]:
    if not account.balances:
        return [Reply("utter_no_loans")]
    replies = [_balance_line(balance, language) for balance in account.balances]
    if len(account.balances) > 1:
        for currency, (overdue, outstanding) in totals_by_currency(account.balances).items():
            replies.append(Reply("utter_balance_total", {
                "currency": currency,
                "overdue": format_money(overdue, currency, language),
                "outstanding": format_money(outstanding, currency, language),
            }))
    return replies


def charges_replies(account: Account, language: str) -> list[Reply]:
    if not account.balances:
        return [Reply("utter_no_loans")]
    replies = []
    for balance in account.balances:
        money = _money(balance, language)
        if balance.is_overdue:
            replies.append(Reply("utter_charges_breakdown", {
                "loan_id": balance.loan_id,
                "bills": balance.bills_overdue,
                "principal": money(balance.overdue_principal),
                "interest": money(balance.overdue_interest),
                "late_fees": money(balance.overdue_late_fees),
                "paid": money(balance.overdue_paid),
                "overdue": money(balance.overdue_amount),
            }))
        elif balance.next_due_date:
            replies.append(Reply("utter_charges_none_overdue",
                                 _next(balance, balance.next_due_date, language)))
        else:
            replies.append(Reply("utter_nothing_owed", {"loan_id": balance.loan_id}))
    replies.append(Reply("utter_charges_policy"))
    return replies


def due_date_replies(account: Account, language: str) -> list[Reply]:
    if not account.balances:
        return [Reply("utter_no_loans")]
    replies = []
    for balance in account.balances:
        since = balance.oldest_unpaid_due_date  # set whenever the loan is overdue
        if balance.is_overdue and since is not None:
            replies.append(Reply("utter_due_overdue", {
                "loan_id": balance.loan_id,
                "overdue": _money(balance, language)(balance.overdue_amount),
                "since": show_date(since, language),
                "days_past_due": balance.days_past_due,
            }))
        if balance.next_due_date:
            replies.append(Reply("utter_due_next", _next(balance, balance.next_due_date, language)))
        elif not balance.is_overdue:
            replies.append(Reply("utter_nothing_owed", {"loan_id": balance.loan_id}))
    return replies


def payment_method_replies(account: Account, language: str) -> list[Reply]:
    owing = [b.loan_id for b in account.balances if b.outstanding > 0] or [
        b.loan_id for b in account.balances
    ]
    separator = "、" if language == "zh" else ", "
    return [Reply("utter_payment_methods", {"loan_ids": separator.join(owing) or "-"})]


def _balance_line(balance: LoanBalance, language: str) -> Reply:
    money = _money(balance, language)
    if balance.is_overdue:
        return Reply("utter_balance_overdue", {
            "loan_id": balance.loan_id,
            "overdue": money(balance.overdue_amount),
            "days_past_due": balance.days_past_due,
            "outstanding": money(balance.outstanding),
        })
    if balance.next_due_date:
        return Reply("utter_balance_current", {
            **_next(balance, balance.next_due_date, language), "outstanding": money(balance.outstanding)
        })
    return Reply("utter_nothing_owed", {"loan_id": balance.loan_id})


def _next(balance: LoanBalance, next_date: date, language: str) -> dict:
    return {
        "loan_id": balance.loan_id,
        "next_amount": _money(balance, language)(balance.next_due_amount),
        "next_date": show_date(next_date, language),
    }


def _money(balance: LoanBalance, language: str) -> Callable[[Decimal], str]:
    return lambda amount: format_money(amount, balance.currency, language)
