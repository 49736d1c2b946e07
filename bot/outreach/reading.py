"""Reading the facts of every loan a pass may write about, in a few queries for all of them.

A loan is a candidate when one of its unpaid bills falls due on a day some stage could be
due about (an offset of a plan, up to `catch_up_days` late, a day either side for time zones),
when it has an active arrangement (its reminders), or when one broke lately. Everything
else about the candidates is read in bulk, joined on that one candidate query; only a loan
with an active arrangement reads its progress on its own (bot/loans/accounts.py).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.arrangements import coverage
from bot.clock import zone
from bot.db.models import (
    Arrangement,
    Bill,
    Borrower,
    Conversation,
    Handoff,
    Loan,
    OutreachContact,
    Payment,
    PaymentAllocation,
)
from bot.loans.accounts import balance_with
from bot.loans.balance import LoanBalance
from bot.outreach import facts as f
from bot.outreach.facts import ContactCounts, Due, History, LoanFacts

# The reasons of an open case that put collection on hold (bot/handoffs/opening.py).
CASE_HOLDS = {"hardship": f.HARDSHIP, "distress": f.DISTRESS, "legal": f.LEGAL, "dispute": f.DISPUTE,
              "stop_contact": f.STOP_CONTACT}
WEEK = 7


@dataclass(frozen=True)
class Window:
    """Which days make a loan a candidate, as of the pass's moment."""

    at: datetime  # aware
    offsets: frozenset[int]  # every stage's offset from its due date (D-3: -3)
    catch_up_days: int

    def due_dates(self) -> list[date]:
        utc_today = self.at.date()
        return sorted({utc_today - timedelta(days=offset + late + slack)
                       for offset in self.offsets for late in range(self.catch_up_days + 1)
                       for slack in (-1, 0, 1)})


def read_facts(session: Session, window: Window) -> list[LoanFacts]:
    return _read(session, _candidates(window), window.at)


def facts_of(session: Session, loan_ids: Collection[str], at: datetime) -> list[LoanFacts]:
    """These loans' facts as of `at` (the agent view's segment)."""
    return _read(session, select(Loan.id).where(Loan.id.in_(list(loan_ids))), at)


def _read(session: Session, candidates: Select, at: datetime) -> list[LoanFacts]:
    # Rows, not ORM objects: a pass reads tens of thousands of loans, and building an object
    # for each loan, borrower and bill would cost more than everything else together.
    loans = session.execute(
        select(Loan.id, Loan.currency, Loan.principal, Loan.collection_hold, Loan.borrower_id,
               Borrower.name, Borrower.language, Borrower.timezone, Borrower.contact_opt_out_at)
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .where(Loan.id.in_(candidates)).order_by(Loan.id)).all()
    if not loans:
        return []
    bills = _bills(session, candidates)
    active = _active_arrangements(session, candidates)
    freezes = coverage.freezes_of(session, [bill.id for rows in bills.values() for bill in rows]) \
        if _any_frozen(session, candidates) else {}
    broken = _broken(session, candidates)
    paid_on = _last_paid(session, candidates)
    holds = _case_holds(session, candidates)
    scripts = _scripts(session, candidates)
    sent = _sent_lately(session, candidates, at)
    ever = _ever_contacted(session, candidates)
    read = []
    for loan in loans:
        now = at.astimezone(zone(loan.timezone))
        arrangement = active.get(loan.id)
        balance = balance_with(session, loan, bills.get(loan.id, ()), now.date(), arrangement, freezes)
        dues = _dues(balance, arrangement)
        read.append(LoanFacts(
            borrower_id=loan.borrower_id, name=loan.name, language=loan.language,
            script=scripts.get(loan.borrower_id), timezone=loan.timezone, now=now, balance=balance,
            history=_history(bills.get(loan.id, ()), paid_on, broken.get(loan.id, (0, None))[0], now.date()),
            counts=_counts(sent.get(loan.borrower_id, ()), loan.id, now, ever=loan.borrower_id in ever),
            holds=frozenset(_holds_of(loan, holds.get(loan.borrower_id, ()), dues, now.date())),
            dues=dues,
            broken_since=broken.get(loan.id, (0, None))[1],
        ))
    return read


def _bills(session: Session, candidates: Select) -> dict[str, list[Row]]:
    rows = session.execute(
        select(Bill.id, Bill.loan_id, Bill.due_date, Bill.principal, Bill.interest, Bill.late_fee, Bill.paid)
        .where(Bill.loan_id.in_(candidates)).order_by(Bill.loan_id, Bill.due_date)).all()
    found: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        found[row.loan_id].append(row)
    return found


def _candidates(window: Window) -> Select:
    unpaid = Bill.principal + Bill.interest + Bill.late_fee > Bill.paid
    stage_due = select(Bill.loan_id).where(unpaid, Bill.due_date.in_(window.due_dates()))
    arranged = select(Arrangement.loan_id).where(or_(
        Arrangement.status == "active",
        (Arrangement.status == "broken")
        & (Arrangement.updated_at >= window.at - timedelta(days=window.catch_up_days + 2)),
    ))
    return stage_due.union(arranged)


def _active_arrangements(session: Session, candidates: Select) -> dict[str, Arrangement]:
    rows = session.execute(select(Arrangement).where(
        Arrangement.loan_id.in_(candidates), Arrangement.status == "active")).scalars()
    return {row.loan_id: row for row in rows}


def _any_frozen(session: Session, candidates: Select) -> bool:
    # Most loans never had an arrangement: skip reading freezes for them all at once.
    return session.execute(select(Arrangement.id).where(Arrangement.loan_id.in_(candidates)).limit(1)
                           ).first() is not None


def _broken(session: Session, candidates: Select) -> dict[str, tuple[int, date | None]]:
    rows = session.execute(
        select(Arrangement.loan_id, func.count(), func.max(Arrangement.updated_at))
        .where(Arrangement.loan_id.in_(candidates), Arrangement.status == "broken")
        .group_by(Arrangement.loan_id)).all()
    return {loan_id: (count, last.date() if last else None) for loan_id, count, last in rows}


def _last_paid(session: Session, candidates: Select) -> dict[int, datetime]:
    """Per bill, when the payment that last paid toward it was made."""
    rows = session.execute(
        select(PaymentAllocation.bill_id, func.max(Payment.paid_at))
        .join(Payment, Payment.payment_id == PaymentAllocation.payment_id)
        .where(Payment.loan_id.in_(candidates), PaymentAllocation.bill_id.is_not(None))
        .group_by(PaymentAllocation.bill_id)).all()
    return dict(rows)


def _case_holds(session: Session, candidates: Select) -> dict[str, list[str]]:
    rows = session.execute(
        select(Handoff.borrower_id, Handoff.reason)
        .join(Loan, Loan.borrower_id == Handoff.borrower_id)
        .where(Loan.id.in_(candidates), Handoff.status != "closed")).all()
    found: dict[str, list[str]] = defaultdict(list)
    for borrower_id, reason in rows:
        found[borrower_id] += [f.HANDOFF, *([CASE_HOLDS[reason]] if reason in CASE_HOLDS else [])]
    return found


def _scripts(session: Session, candidates: Select) -> dict[str, str]:
    """How each borrower last wrote: the script of their latest conversation that knows it."""
    rows = session.execute(
        select(Conversation.borrower_id, Conversation.script)
        .join(Loan, Loan.borrower_id == Conversation.borrower_id)
        .where(Loan.id.in_(candidates), Conversation.script.is_not(None))
        .order_by(Conversation.updated_at)).all()
    return dict(rows)  # the latest wins


def _sent_lately(session: Session, candidates: Select, at: datetime) -> dict[str, list[tuple[str, datetime]]]:
    """Per borrower, the (loan, when) of each contact sent in the last week and a day."""
    rows = session.execute(
        select(OutreachContact.id, OutreachContact.borrower_id, OutreachContact.loan_id, OutreachContact.at)
        .join(Loan, Loan.borrower_id == OutreachContact.borrower_id)
        .where(Loan.id.in_(candidates), OutreachContact.status == "sent",
               OutreachContact.at >= at - timedelta(days=WEEK + 1), OutreachContact.at <= at)
        .distinct()).all()
    found: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for _, borrower_id, loan_id, sent_at in rows:
        found[borrower_id].append((loan_id, sent_at))
    return found


def _ever_contacted(session: Session, candidates: Select) -> set[str]:
    rows = session.execute(
        select(OutreachContact.borrower_id).distinct()
        .join(Loan, Loan.borrower_id == OutreachContact.borrower_id)
        .where(Loan.id.in_(candidates), OutreachContact.status == "sent")).scalars()
    return set(rows)


def _history(bills: Iterable[Row], paid_on: Mapping[int, datetime], broken: int, today: date) -> History:
    late = on_time = 0
    for bill in bills:
        if bill.due_date >= today:
            continue
        paid_at = paid_on.get(bill.id)
        settled = bill.paid >= bill.principal + bill.interest + bill.late_fee
        if not settled or (paid_at is not None and paid_at.date() > bill.due_date):
            late += 1
        else:
            on_time += 1
    return History(broken_arrangements=broken, bills_paid_late=late, bills_paid_on_time=on_time)


def _counts(sent: Iterable[tuple[str, datetime]], loan_id: str, now: datetime, *,
            ever: bool) -> ContactCounts:
    today = now.date()
    days = [(loan, at.astimezone(now.tzinfo).date()) for loan, at in sent]
    return ContactCounts(
        loan_today=sum(1 for loan, day in days if loan == loan_id and day == today),
        loan_last_7_days=sum(1 for loan, day in days if loan == loan_id and (today - day).days < WEEK),
        borrower_today=sum(1 for _, day in days if day == today),
        ever=1 if ever else 0,
    )


def _holds_of(loan: Row, cases: Collection[str], dues: tuple[Due, ...], today: date) -> Iterable[str]:
    """`loan`: the row _read reads, with the borrower's opt-out."""
    if loan.contact_opt_out_at is not None:
        yield f.STOP_CONTACT
    if loan.collection_hold:
        yield f.DISPUTE
    yield from cases
    kind = dues[0].type if dues else None
    if kind == "deferral":
        yield f.DEFERRAL
    if kind == "promise_to_pay" and dues[-1].due_date >= today:  # until the promised date
        yield f.PROMISE


def _dues(balance: LoanBalance, active: Arrangement | None) -> tuple[Due, ...]:
    progress = balance.arrangement
    if active is None or progress is None:
        return ()
    count = len(progress.dues)
    return tuple(Due(progress.arrangement_id, progress.type, number, count, due.due_date, due.amount,
                     due.left) for number, due in enumerate(progress.dues, start=1))
