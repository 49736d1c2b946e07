"""A borrower's outreach: a pass at 10:00 local on every day a contact may be due about a loan,
deciding as bot/outreach/run.py decides (planned, segmented, worded, judged by the compliance
engine) on what bot/outreach/reading.py would read then; delivered when allowed, and perhaps
answered (bot/demo/borrower_replies.py)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from bot import audit
from bot.arrangements.kinds import DEFERRAL, PROMISE_TO_PAY
from bot.demo.balances import balance_of, progress_of
from bot.demo.proportions import DAILY_CAP_SHARE, PASS_TIME, QUIET_HOURS_SHARE
from bot.demo.rows import Row
from bot.demo.state import BillState, LoanState
from bot.demo.wordings import worded
from bot.demo.world import UTC
from bot.language import HANT
from bot.loans.balance import LoanBalance
from bot.outreach import facts as holds
from bot.outreach.compliance import Contact, Decision, decide
from bot.outreach.facts import ContactCounts, Due, History, LoanFacts
from bot.outreach.planner import Planned, plan
from bot.outreach.reading import CASE_HOLDS
from bot.outreach.segments import Segment, segment_of
from bot.outreach.strategy import Variant
from bot.outreach.templates import Rendered
from bot.outreach.variants import variant_for

if TYPE_CHECKING:
    from bot.demo.history import BorrowerRun


class Outreach:
    def __init__(self, run: BorrowerRun) -> None:
        self.run = run
        self.sent: list[tuple[str, date]] = []  # (loan, local day) of every contact sent

    # --- when a pass writes about the loan ---------------------------------------------------

    def schedule_check(self, loan: LoanState) -> None:
        """The next day the planner may write about the loan, as things stand (a payment or an
        arrangement reschedules it)."""
        run = self.run
        loan.check_version += 1
        after = loan.last_check + timedelta(days=1) if loan.last_check else date.min
        first = max(run.world.first_day, after, run.day_of(run.clock))
        for day in sorted({day for day in self.check_days(loan) if day >= first})[:2]:  # today's may be gone
            moment = run.local(day, PASS_TIME)
            if moment > run.clock:
                run.at(moment, self.on_check, loan, loan.check_version)
                return

    def check_days(self, loan: LoanState) -> list[date]:
        if loan.active is not None:  # its own reminders: two days before a due, on it, the day after
            due = progress_of(loan, loan.active, date.max, self.run.zone).next_due
            return [] if due is None else [due.due_date + timedelta(days=n) for n in (-2, 0, 1)]
        days = [loan.broken_day] if loan.broken_day else []
        bill = loan.oldest_unpaid()
        if bill is None:
            return days
        world = self.run.world
        offsets = world.stage_days if self.falls_overdue(loan, bill) else world.overdue_days
        return days + [bill.due + offset for offset in offsets]

    def falls_overdue(self, loan: LoanState, bill: BillState) -> bool:
        """Whether the borrower, as they mean to pay now, leaves the bill unpaid past its due date.
        Outreach is about the bills that fall overdue, from their first reminder on; one paid on
        time is not written about (should plans change, the check is scheduled again)."""
        index, deadline = loan.bills.index(bill), self.run.local(bill.due + timedelta(days=1), time())
        return not any(intent.live and intent.through >= index and intent.at < deadline
                       for intent in loan.natural)

    def on_check(self, moment: datetime, loan: LoanState, version: int) -> None:
        if version != loan.check_version:
            return
        loan.last_check = self.run.day_of(moment)
        self.decide(loan, moment)
        self.schedule_check(loan)

    # --- the pass's decision ------------------------------------------------------------------

    def decide(self, loan: LoanState, moment: datetime) -> None:
        """bot/outreach/run.py's `_decide` for one loan."""
        run, strategy = self.run, self.run.world.strategy
        facts = self.facts(loan, moment)
        segment = segment_of(facts, strategy)
        planned = plan(facts, segment, strategy)
        if planned is None or planned.key(facts) in loan.keys:
            return
        loan.keys.add(planned.key(facts))
        variant = stable_variant(run.id, planned.stage, planned.message.variants)
        first = facts.counts.ever == 0
        words = worded(run.world, variant, facts, segment, planned.values, first)
        passed = self.as_passed(facts)
        contact = Contact(planned.purpose, planned.arrangement_type, run.id, first, words.discloses)
        decision = decide(passed, contact, run.rules)
        at = passed.now.astimezone(UTC)
        row = contact_row(run.id, loan.id, facts, planned, segment, variant, words, decision, at)
        run.out["outreach_contacts"].append(row)
        if decision.allowed:
            self.deliver(loan, row, at)
            run.replies.maybe_reply(loan, planned, variant, at)

    def as_passed(self, facts: LoanFacts) -> LoanFacts:
        """Now and then the pass that decided ran in the evening, or another message had taken the
        loan's cap for the day."""
        run = self.run
        draw = run.rng.random()
        if draw < QUIET_HOURS_SHARE:
            evening = facts.now.replace(hour=22, minute=run.rng.randint(10, 50))  # after every window
            if evening.astimezone(UTC) <= run.world.now:
                return replace(facts, now=evening)
        elif draw < QUIET_HOURS_SHARE + DAILY_CAP_SHARE:
            return replace(facts, counts=replace(facts.counts, loan_today=run.rules.per_loan_per_day))
        return facts

    def deliver(self, loan: LoanState, row: Row, at: datetime) -> None:
        """bot/outreach/outbox.py's `deliver`: into the open conversation (started if none)."""
        run = self.run
        conversation = run.conversations.ongoing(at, by_borrower=False)
        message = run.conversations.write(conversation, "bot", row["text"], row["buttons"], at,
                                          kind="outreach")
        row["conversation_id"] = conversation.id
        run.conversations.link(row, "message_id", message)
        self.sent.append((loan.id, run.day_of(at)))
        run.audit(at, audit.BOT, "outreach_sent", loan_id=loan.id, conversation_id=conversation.id,
                  details={"stage": row["stage"], "template": row["template"], "key": row["key"]})

    # --- what the pass reads --------------------------------------------------------------------

    def facts(self, loan: LoanState, moment: datetime) -> LoanFacts:
        """What bot/outreach/reading.py would read of the loan at this moment."""
        run = self.run
        now = moment.astimezone(run.zone)
        day = now.date()
        balance = balance_of(loan, day, run.zone, owed_only=True)
        dues = dues_of(balance)
        profile = run.profile
        return LoanFacts(
            borrower_id=profile.id, name=profile.name, language=profile.language, script=run.script,
            timezone=profile.timezone, now=now, balance=balance, history=history_of(loan, day),
            counts=self.counts(loan.id, day), holds=frozenset(self.holds(loan, moment, dues, day)),
            dues=dues, broken_since=loan.broken_since)

    def counts(self, loan_id: str, day: date) -> ContactCounts:
        sent = self.sent
        return ContactCounts(
            loan_today=sum(1 for loan, on in sent if loan == loan_id and on == day),
            loan_last_7_days=sum(1 for loan, on in sent if loan == loan_id and (day - on).days < 7),
            borrower_today=sum(1 for _, on in sent if on == day),
            ever=1 if sent else 0)

    def holds(self, loan: LoanState, moment: datetime, dues: tuple[Due, ...], day: date) -> Iterable[str]:
        """As bot/outreach/reading.py's `_holds_of` finds them."""
        opted_out = self.run.row["contact_opt_out_at"]
        if opted_out is not None and opted_out <= moment:
            yield holds.STOP_CONTACT
        if loan.row["collection_hold"]:
            yield holds.DISPUTE
        for handoff in self.run.handoffs.opened:
            if handoff.open_at(moment):
                yield holds.HANDOFF
                if handoff.row["reason"] in CASE_HOLDS:
                    yield CASE_HOLDS[handoff.row["reason"]]
        kind = dues[0].type if dues else None
        if kind == DEFERRAL.name:
            yield holds.DEFERRAL
        if kind == PROMISE_TO_PAY.name and dues[-1].due_date >= day:
            yield holds.PROMISE


def contact_row(borrower_id: str, loan_id: str, facts: LoanFacts, planned: Planned, segment: Segment,
                variant: Variant, words: Rendered, decision: Decision, at: datetime) -> Row:
    """The outreach_contacts row of a decision, not yet delivered nor pushed."""
    return {"key": planned.key(facts), "borrower_id": borrower_id, "loan_id": loan_id, "stage": planned.stage,
            "day": planned.day, "segment": segment.name, "template": f"{planned.stage}/{variant.name}",
            "variant": variant.name, "language": written_in(facts),
            "status": "sent" if decision.allowed else "suppressed", "reason": decision.rule,
            "detail": decision.detail or None, "temporary": decision.temporary, "text": words.text,
            "buttons": words.buttons, "conversation_id": None, "message_id": None, "at": at,
            "push_status": "none", "push_attempts": 0, "push_next_at": None, "push_error": None,
            "created_at": at, "updated_at": at}


def history_of(loan: LoanState, day: date) -> History:
    """The loan's record as the risk segment reads it: arrangements broken, bills paid late
    (or not yet) and on time, of those due before `day`."""
    late = on_time = 0
    for bill in loan.bills:
        if bill.due >= day:
            continue
        paid_late = bill.last_paid_at is not None and bill.last_paid_at.astimezone(UTC).date() > bill.due
        if not bill.settled() or paid_late:
            late += 1
        else:
            on_time += 1
    return History(loan.broken, late, on_time)


def dues_of(balance: LoanBalance) -> tuple[Due, ...]:
    """bot/outreach/reading.py's `_dues`: the active arrangement's, numbered."""
    progress = balance.arrangement
    if progress is None:
        return ()
    count = len(progress.dues)
    return tuple(
        Due(progress.arrangement_id, progress.type, number, count, due.due_date, due.amount, due.left)
        for number, due in enumerate(progress.dues, start=1))


def written_in(facts: LoanFacts) -> str:
    """bot/outreach/run.py's `_written_in`: en, hans or hant."""
    if facts.reply_language == "en":
        return "en"
    return HANT if facts.traditional else "hans"


@lru_cache(maxsize=4_096)
def stable_variant(borrower_id: str, stage: str, variants: tuple[Variant, ...]) -> Variant:
    """`variant_for`, drawn once per borrower and stage (a borrower meets a stage once a bill)."""
    return variant_for(borrower_id, stage, variants)
