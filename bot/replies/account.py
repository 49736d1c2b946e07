"""What the bot says about an account, as (response name, values) pairs.

Actions hand these to Rasa, which renders the response in the conversation's language; the
wording lives in domain.yml. Amounts and dates are formatted here, for the reader's language.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.ledger.payments import WalletPayment
from bot.loans.accounts import Account
from bot.loans.balance import LoanBalance, totals_by_currency
from bot.loans.schedule import ArrangementProgress, Scheduled
from bot.money import format_money
from bot.replies.dates import show_date, show_moment
from bot.replies.reply import Reply

ZERO = Decimal(0)
RECENT_DAYS = 7  # a payment the borrower says they made: looked for this many days back
PAYMENTS_SHOWN = 3  # at most, the newest first


def balance_replies(account: Account, language: str) -> list[Reply]:
    if not account.balances:
        return [Reply("utter_no_loans")]
    replies = [reply for balance in account.balances
               for reply in _balance_lines(balance, account, language)]
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
        frozen = _frozen(balance, language)
        if frozen is not None:
            replies.append(frozen)
    replies.append(Reply("utter_charges_policy"))
    return replies


def claim_paid_replies(account: Account, payments: Sequence[WalletPayment], language: str) -> list[Reply]:
    """"I already paid": the payments received in the last RECENT_DAYS days (`payments`, newest
    first), each with when it was paid in the borrower's zone, and each loan's balance now; or,
    when none arrived, that it can take a little time and what to do."""
    if not payments:
        return [Reply("utter_payment_not_seen", {"days": RECENT_DAYS})]
    replies = []
    for payment in payments[:PAYMENTS_SHOWN]:
        replies.append(Reply("utter_payment_seen", {
            "loan_id": payment.loan_id,
            "amount": format_money(payment.amount, payment.currency, language),
            "when": show_moment(payment.paid_at, account.today, account.timezone, language),
        }))
    loans = {payment.loan_id for payment in payments[:PAYMENTS_SHOWN]}
    for balance in account.balances:
        if balance.loan_id not in loans:
            continue
        if balance.outstanding > ZERO:
            money = _money(balance, language)
            replies.append(Reply("utter_payment_seen_balance", {
                "loan_id": balance.loan_id, "overdue": money(balance.overdue_amount),
                "outstanding": money(balance.outstanding),
            }))
        else:
            replies.append(Reply("utter_nothing_owed", {"loan_id": balance.loan_id}))
    return replies


def recent_since(now: datetime) -> datetime:
    """From when a payment counts as recent, for claim_paid_replies."""
    return now - timedelta(days=RECENT_DAYS)


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


def _balance_lines(balance: LoanBalance, account: Account, language: str) -> list[Reply]:
    """The loan's balance: with an active arrangement, the arrangement and its progress first;
    then, while anything is owed, what clears it all today (less the loan's credit)."""
    arrangement = balance.arrangement
    due = arrangement.next_due if arrangement is not None else None
    if arrangement is not None and arrangement.reschedules and due is not None:
        lines = _rescheduled_lines(balance, arrangement, due, account.today, language)
    else:
        lines = [_balance_line(balance, language)]
        if arrangement is not None and arrangement.type == "promise_to_pay":
            lines += _promise_line(balance, arrangement, account.today, language)
    if balance.outstanding > ZERO:
        payoff = max(ZERO, balance.outstanding - account.credits.get(balance.loan_id, ZERO))
        lines.append(Reply("utter_balance_payoff", {
            "loan_id": balance.loan_id, "payoff": _money(balance, language)(payoff)}))
    return lines


def _rescheduled_lines(balance: LoanBalance, arrangement: ArrangementProgress, due: Scheduled,
                       today: date, language: str) -> list[Reply]:
    """A deferral or a plan (`due`: its first due with something left): where it stands, what
    is overdue outside it, what is left in all."""
    money = _money(balance, language)
    late = due.due_date < today
    lines = []
    if arrangement.type == "instalment_plan":
        lines.append(Reply("utter_balance_plan_late" if late else "utter_balance_plan", {
            "loan_id": balance.loan_id,
            "instalments": len(arrangement.dues),
            "instalments_paid": arrangement.dues_paid,
            "next_amount": money(due.left),
            "next_date": show_date(due.due_date, language),
        }))
    else:
        lines.append(Reply("utter_balance_deferred_late" if late else "utter_balance_deferred", {
            "loan_id": balance.loan_id,
            "amount": money(due.left),
            "new_date": show_date(due.due_date, language),
        }))
    late_dues = sum((d.left for d in arrangement.dues if d.due_date < today), ZERO)
    outside = balance.overdue_amount - late_dues
    if outside > ZERO:
        lines.append(Reply("utter_balance_outside_arrangement", {
            "loan_id": balance.loan_id, "overdue": money(outside)}))
    upcoming = balance.next_due_date
    if upcoming is not None and all(d.due_date != upcoming for d in arrangement.dues):
        # Next comes a bill the arrangement does not cover, due on its own date.
        lines.append(Reply("utter_due_next", _next(balance, upcoming, language)))
    lines.append(Reply("utter_balance_outstanding", {
        "loan_id": balance.loan_id, "outstanding": money(balance.outstanding)}))
    return lines


def _promise_line(balance: LoanBalance, arrangement: ArrangementProgress, today: date,
                  language: str) -> list[Reply]:
    due = arrangement.next_due
    if due is None or due.due_date < today:
        return []
    return [Reply("utter_balance_promise", {
        "loan_id": balance.loan_id,
        "amount": _money(balance, language)(due.left),
        "date": show_date(due.due_date, language),
    })]


def _frozen(balance: LoanBalance, language: str) -> Reply | None:
    """While an arrangement runs: the late fees it keeps from being owed (a plan always freezes
    them; a deferral, when its terms say so, which shows once a fee has gained)."""
    arrangement = balance.arrangement
    if arrangement is None:
        return None
    if arrangement.type != "instalment_plan" and arrangement.late_fees_frozen <= ZERO:
        return None
    return Reply("utter_charges_frozen", {
        "loan_id": balance.loan_id, "frozen": _money(balance, language)(arrangement.late_fees_frozen)})


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
