"""A borrower's arrangements: made as bot/arrangements/service.py records one (covering the
bills overdue that day, as bot/arrangements/coverage.py does), followed by the payments the
borrower means to make toward it, judged kept or broken by bot/arrangements/review.py's
judgment (after a payment, and in the daily review), now and then undone by an agent."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import audit
from bot.arrangements.kinds import INSTALMENT_PLAN, Kind
from bot.arrangements.negotiation_rules import idempotency_key
from bot.arrangements.review import NEGOTIATION_FAILED, judge
from bot.demo.balances import payments_toward
from bot.demo.proportions import AGENTS, CANCEL_CHANCE, KEEP_CHANCE, RESUME_CHANCE, REVIEW_TIME
from bot.demo.rows import Row
from bot.demo.state import ArrangementState, ConversationState, Intent, LoanState
from bot.demo.world import UTC
from bot.ledger.allocation import ZERO
from bot.loans.late_fees import Freeze, waived_at_end

if TYPE_CHECKING:
    from bot.demo.history import BorrowerRun


class Arrangements:
    def __init__(self, run: BorrowerRun) -> None:
        self.run = run

    # --- made -------------------------------------------------------------------------------

    def arrange(self, loan: LoanState, kind: Kind[Any, Any], terms: Any, moment: datetime,
                created_by: str, conversation: ConversationState) -> ArrangementState:
        """Recorded active, covering the bills overdue that day (a deferral, a plan), audited; then
        the borrower's intention about it. The bot's carry the key of its confirmation."""
        run = self.run
        terms_json = kind.to_json(terms)
        by_bot = created_by == audit.BOT
        key = idempotency_key(conversation.id, loan.id, kind.name, terms_json) if by_bot else None
        row: Row = {"id": str(run.uuid()), "loan_id": loan.id, "type": kind.name, "status": "active",
                    "terms": terms_json, "conversation_id": conversation.id, "created_by": created_by,
                    "idempotency_key": key, "created_at": moment, "updated_at": moment}
        run.out["arrangements"].append(row)
        arrangement = ArrangementState(row, kind, terms, self.cover(loan, row["id"], kind, terms, moment))
        loan.arrangements.append(arrangement)
        loan.active = arrangement
        run.audit(moment, created_by, "arrangement_created", loan_id=loan.id, conversation_id=conversation.id,
                  details={"arrangement_id": row["id"], "type": kind.name, "terms": terms_json})
        self.intend(loan, arrangement, moment)
        run.outreach.schedule_check(loan)
        return arrangement

    def cover(self, loan: LoanState, arrangement_id: str, kind: Kind[Any, Any], terms: Any,
              moment: datetime) -> list[Row]:
        """bot/arrangements/coverage.py's `cover`: the bills overdue on the day, with their fee."""
        if not kind.reschedules:
            return []
        day, rows = self.run.day_of(moment), []
        for bill in loan.bills:
            if bill.due < day and bill.unpaid() > ZERO:
                row = {"arrangement_id": arrangement_id, "bill_id": bill.id,
                       "late_fee_at_start": bill.row["late_fee"],
                       "late_fee_frozen": kind.freezes_late_fees(terms), "late_fee_waived": None}
                bill.covers.append(row)
                bill.changed()
                rows.append(row)
        self.run.out["arrangement_bills"].extend(rows)
        return rows

    # --- followed -----------------------------------------------------------------------------

    def intend(self, loan: LoanState, arrangement: ArrangementState, moment: datetime) -> None:
        """The payments the borrower will make toward it (all of them when they keep it), their
        own held back while it runs; a review on the day after each due's grace; now and then an
        agent's undoing."""
        run = self.run
        dues = arrangement.kind.schedule(arrangement.terms)
        arrangement.suspended = [intent for intent in loan.natural if intent.live and intent.at > moment]
        for intent in arrangement.suspended:
            intent.live = False
        for due in dues[:self.dues_kept(arrangement.kind.name, len(dues))]:
            intent = Intent(self.pay_by(due.due_date, moment), len(loan.bills) - 1, due.amount)
            arrangement.planned.append(intent)
            run.payments.expect(loan, intent)
        grace = timedelta(days=run.policy.review.grace_days + 1)
        for due in dues:
            run.at(run.local(due.due_date + grace, REVIEW_TIME), self.on_review, loan, arrangement)
        if run.rng.random() < CANCEL_CHANCE:
            run.at(moment + timedelta(days=run.rng.randint(1, 5), hours=run.rng.randint(0, 8)),
                   self.on_cancel, loan, arrangement)

    def dues_kept(self, kind: str, count: int) -> int:
        """How many of its dues the borrower pays: all, when they keep it."""
        rng = self.run.rng
        if kind != INSTALMENT_PLAN.name:
            return count if rng.random() < KEEP_CHANCE[kind] else 0
        return next((n for n in range(count) if rng.random() >= KEEP_CHANCE[kind]), count)

    def pay_by(self, due: date, after: datetime) -> datetime:
        """A moment in the few days up to the due date, after `after`."""
        run = self.run
        start = max(run.day_of(after), due - timedelta(days=4))
        moment = run.some_time(start + timedelta(days=run.rng.randint(0, (due - start).days)), 8, 21)
        return moment if moment > after else after + run.minutes((10, 120))

    # --- judged, ended ----------------------------------------------------------------------------

    def after_payment(self, loan: LoanState, moment: datetime, payment_id: str) -> str | None:
        """A payment completing the active arrangement keeps it at once (bot/ledger/recording.py):
        the outcome, if it ended it."""
        arrangement = loan.active
        if arrangement is None:
            return None
        outcome = self.judged(loan, arrangement, self.run.day_of(moment))
        if outcome is not None:
            self.settle(loan, arrangement, outcome, moment, payment_id)
        return outcome

    def judged(self, loan: LoanState, arrangement: ArrangementState, day: date) -> str | None:
        """bot/arrangements/review.py's judgment: kept, broken, or None (still running)."""
        payments = payments_toward(loan, arrangement, day, self.run.zone)
        return judge(arrangement.terms, payments, self.run.policy.review.grace_days, day)

    def on_review(self, moment: datetime, loan: LoanState, arrangement: ArrangementState) -> None:
        """The daily review (bot/arrangements/review.py), on the day after a due's grace."""
        if loan.active is not arrangement:
            return
        outcome = self.judged(loan, arrangement, self.run.day_of(moment))
        if outcome is not None:
            self.settle(loan, arrangement, outcome, moment, None)

    def on_cancel(self, moment: datetime, loan: LoanState, arrangement: ArrangementState) -> None:
        if loan.active is not arrangement:
            return
        run = self.run
        agent = run.rng.choice(tuple(AGENTS))
        self.end(loan, arrangement, "cancelled", moment, charged_back=False)
        run.audit(moment, audit.agent(agent), "arrangement_cancelled", loan_id=loan.id,
                  conversation_id=arrangement.row["conversation_id"],
                  details={"arrangement_id": arrangement.id, "type": arrangement.kind.name,
                           "reason": "the borrower asked to change it"})
        self.resume(loan, arrangement, moment, broken=False)

    def settle(self, loan: LoanState, arrangement: ArrangementState, outcome: str, moment: datetime,
               payment_id: str | None) -> None:
        """Kept or broken: ended as bot/arrangements/review.py ends it, and audited; a broken
        promise or plan flags the borrower for a person."""
        run = self.run
        broken = outcome == "broken"
        self.end(loan, arrangement, outcome, moment, charged_back=broken and run.policy.review.charges_back)
        details = {"arrangement_id": arrangement.id, "type": arrangement.kind.name,
                   "reviewed_on": run.day_of(moment).isoformat()}
        if payment_id is not None:
            details["payment_id"] = payment_id
        if broken:
            loan.broken += 1
            loan.broken_since, loan.broken_day = moment.astimezone(UTC).date(), run.day_of(moment)
            if arrangement.kind.flagged_when_broken:
                run.flag = details["needs_agent_reason"] = NEGOTIATION_FAILED
        run.audit(moment, audit.SYSTEM, f"arrangement_{outcome}", loan_id=loan.id,
                  conversation_id=arrangement.row["conversation_id"], details=details)
        self.resume(loan, arrangement, moment, broken=broken)

    def end(self, loan: LoanState, arrangement: ArrangementState, status: str, moment: datetime, *,
            charged_back: bool) -> None:
        """coverage.settle: the late fee each covered bill gained while frozen stays waived."""
        arrangement.row["status"], arrangement.row["updated_at"] = status, moment
        for row in arrangement.covers:
            bill = loan.bill(row["bill_id"])
            waived = waived_at_end(bill.row["late_fee"], Freeze(row["late_fee_at_start"], None),
                                   charged_back=charged_back)
            row["late_fee_waived"] = waived if row["late_fee_frozen"] else ZERO
            bill.changed()
        loan.active = None
        for intent in arrangement.planned:
            intent.live = intent.live and intent.at <= moment

    def resume(self, loan: LoanState, arrangement: ArrangementState, moment: datetime, *,
               broken: bool) -> None:
        """The borrower's own payments again: at once after one kept, after a while (or never)
        after one broken."""
        run = self.run
        if broken and run.rng.random() >= RESUME_CHANCE[run.profile.behaviour]:
            arrangement.suspended = []
        for held in arrangement.suspended:
            later = moment + (timedelta(days=run.rng.randint(2, 40)) if broken else run.minutes((60, 4000)))
            intent = Intent(max(held.at, later), held.through)
            loan.natural.append(intent)
            run.payments.expect(loan, intent)
        run.outreach.schedule_check(loan)
