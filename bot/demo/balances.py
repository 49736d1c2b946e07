"""A borrower's loans as the real code reads them on a day: a loan's balance, the payments an
arrangement counts and how far it has got, the account, and what a kind may be offered on."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.arrangements.eligibility import Eligibility
from bot.arrangements.kinds import Kind
from bot.arrangements.policy import Policy
from bot.arrangements.progress import PaymentLine, dues_counted, paid_by
from bot.demo.profiles import Profile
from bot.demo.state import ArrangementState, LoanState
from bot.ledger.allocation import ZERO
from bot.loans.accounts import Account
from bot.loans.balance import LoanBalance, loan_balance
from bot.loans.late_fees import Freeze
from bot.loans.schedule import ArrangementProgress


def balance_of(loan: LoanState, day: date, zone: ZoneInfo, *, owed_only: bool = False) -> LoanBalance:
    """`owed_only`: the bills that owe nothing left out, which changes only the breakdown of
    the overdue amount (principal, interest, fees, paid), which outreach never reads."""
    active = loan.active
    progress = progress_of(loan, active, day, zone) if active is not None else None
    covered = {row["bill_id"] for row in active.covers} if active is not None else set()
    bills = [bill for bill in loan.bills if bill.unpaid() > ZERO] if owed_only else loan.bills
    return loan_balance(loan.id, loan.currency, loan.row["principal"],
                        [bill.line(bill.id in covered) for bill in bills], day, progress)


def payments_toward(loan: LoanState, arrangement: ArrangementState, day: date,
                    zone: ZoneInfo) -> list[PaymentLine]:
    """The payments an arrangement counts (bot/arrangements/progress.py): received since it
    was made, on the day the borrower paid, up to `day`."""
    lines = [(paid.astimezone(zone).date(), amount) for paid, received, amount in loan.payments
             if received >= arrangement.created_at]
    return [line for line in lines if line[0] <= day]


def progress_of(loan: LoanState, arrangement: ArrangementState, day: date,
                zone: ZoneInfo) -> ArrangementProgress:
    dues = dues_counted(arrangement.terms, paid_by(payments_toward(loan, arrangement, day, zone), day))
    frozen = sum((Freeze(row["late_fee_at_start"], row["late_fee_waived"]).waived_of(
        loan.bill(row["bill_id"]).row["late_fee"])
        for row in arrangement.covers if row["late_fee_frozen"]), ZERO)
    kind = arrangement.kind
    return ArrangementProgress(arrangement.id, kind.name, kind.reschedules and bool(arrangement.covers),
                               dues, frozen)


def account_of(profile: Profile, loans: Sequence[LoanState], day: date, zone: ZoneInfo) -> Account:
    credits = {loan.id: loan.credit for loan in loans if loan.credit > ZERO}
    return Account(profile.id, profile.name, profile.language, profile.timezone, day,
                   tuple(balance_of(loan, day, zone) for loan in loans), credits)


def eligibility_of(loan: LoanState, kind: Kind[Any, Any], balance: LoanBalance, day: date,
                   policy: Policy) -> Eligibility:
    return kind.eligibility(balance, loan.history(), policy, day, on_hold=loan.row["collection_hold"])
