"""The balance under an arrangement, pure: its dues in place of the bills it covers
(bot/loans/balance.py, bot/loans/schedule.py), and the one late-fee rule (bot/loans/late_fees.py)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.loans.balance import BillLine, loan_balance
from bot.loans.late_fees import Freeze, late_fee_owed, waived_at_end
from bot.loans.schedule import ArrangementProgress, Scheduled, counted

D = Decimal
TODAY = date(2026, 12, 2)
BILLS = [
    BillLine(date(2026, 10, 15), D("1000.00"), D("60.00"), D("35.00"), D("0"), covered=True),
    BillLine(date(2026, 11, 15), D("1000.00"), D("50.00"), D("0"), D("0"), covered=True),
    BillLine(date(2026, 12, 15), D("1000.00"), D("40.00"), D("0"), D("0")),
]
DUES = tuple((day, D("715.00")) for day in (date(2026, 11, 30), date(2026, 12, 30), date(2027, 1, 30)))


def plan(paid: str, reschedules: bool = True) -> ArrangementProgress:
    return ArrangementProgress("a-1", "instalment_plan", reschedules, counted(DUES, D(paid)), D("0"))


def test_payments_count_toward_the_dues_oldest_first():
    assert counted(DUES, D("1000.00")) == (
        Scheduled(date(2026, 11, 30), D("715.00"), D("715.00")),
        Scheduled(date(2026, 12, 30), D("715.00"), D("285.00")),
        Scheduled(date(2027, 1, 30), D("715.00"), D("0")),
    )
    assert plan("3000.00").paid == D("2145.00")  # beyond them all belongs to no due
    assert (plan("715.00").dues_paid, plan("715.00").next_due.due_date) == (1, date(2026, 12, 30))


def test_the_dues_stand_for_the_bills_they_cover():
    balance = loan_balance("L-1", "CNY", D("3000.00"), BILLS, TODAY, plan("0"))
    assert (balance.overdue_amount, balance.days_past_due, balance.oldest_unpaid_due_date) == (
        D("715.00"), 2, date(2026, 11, 30))
    assert (balance.next_due_date, balance.next_due_amount, balance.outstanding) == (
        date(2026, 12, 15), D("1040.00"), D("3185.00"))
    # The breakdown adds up to the overdue amount: what the late instalment will pay.
    assert (balance.overdue_late_fees + balance.overdue_interest + balance.overdue_principal
            - balance.overdue_paid) == balance.overdue_amount


def test_without_rescheduling_the_bills_keep_their_dates():
    balance = loan_balance("L-1", "CNY", D("3000.00"), BILLS, TODAY, plan("0", reschedules=False))
    assert (balance.overdue_amount, balance.days_past_due) == (D("2145.00"), 48)
    assert balance == loan_balance("L-1", "CNY", D("3000.00"), BILLS, TODAY, balance.arrangement)


def test_a_late_fee_owes_what_no_freeze_waives():
    running = Freeze(D("35.00"), None)
    assert late_fee_owed(D("55.00"), [running]) == D("35.00")  # gained 20.00 while it runs
    assert late_fee_owed(D("30.00"), [running]) == D("30.00")  # lowered: owed as loaded
    ended = Freeze(D("35.00"), waived_at_end(D("55.00"), running, charged_back=False))
    assert ended.waived == D("20.00")
    assert late_fee_owed(D("65.00"), [ended]) == D("45.00")  # 10.00 gained since it ended: owed
    assert late_fee_owed(D("65.00"), [ended, Freeze(D("65.00"), None)]) == D("45.00")
    assert waived_at_end(D("55.00"), running, charged_back=True) == D("0")
