"""A borrower's own payments, made by their behaviour, and the late fees the lender charges;
a payment recorded as bot/ledger/recording.py records it: allocated by the ledger's one rule
(bot/ledger/allocation.py), each line added to its bill, the active arrangement judged."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot import audit
from bot.demo.profiles import late_fee_of, lateness
from bot.demo.proportions import FEE_TIME, LATE_FEE_AFTER_DAYS
from bot.demo.rows import PAYMENT_PREFIX
from bot.demo.state import BillState, Intent, LoanState
from bot.jsonable import jsonable
from bot.ledger.allocation import ZERO, Allocation, Owing, allocate
from bot.ledger.order import CREDIT
from bot.money import quantize

if TYPE_CHECKING:
    from bot.demo.history import BorrowerRun


class Payments:
    def __init__(self, run: BorrowerRun) -> None:
        self.run = run

    def schedule(self, loan: LoanState) -> None:
        """The payments the borrower means to make of their own, and each bill's late fee."""
        run = self.run
        for intent in self.natural_payments(loan):
            loan.natural.append(intent)
            self.expect(loan, intent)
        for bill in loan.bills:
            charged = run.local(bill.due + timedelta(days=LATE_FEE_AFTER_DAYS + 1), FEE_TIME)
            run.at(charged, self.on_fee, loan, bill)

    def expect(self, loan: LoanState, intent: Intent) -> None:
        """A payment the borrower means to make, made when its moment comes if still meant then."""
        self.run.at(intent.at, self.on_pay, loan, intent)

    def natural_payments(self, loan: LoanState) -> list[Intent]:
        """When the borrower pays each bill by their behaviour, never before an earlier one (a
        payment pays the oldest bill first); bills paid the same moment are one payment."""
        rng, behaviour = self.run.rng, self.run.profile.behaviour
        stops_at = rng.randrange(len(loan.bills)) if behaviour == "stops" else len(loan.bills)
        intents: list[Intent] = []
        for index, bill in enumerate(loan.bills[:stops_at]):
            moment = self.run.some_time(bill.due + timedelta(days=lateness(rng, behaviour)), 7, 22)
            if intents and moment <= intents[-1].at:
                intents[-1].through = index
            else:
                intents.append(Intent(moment, index))
        return intents

    def on_fee(self, moment: datetime, loan: LoanState, bill: BillState) -> None:
        if bill.unpaid() > ZERO and bill.row["late_fee"] == ZERO:
            bill.row["late_fee"] = late_fee_of(bill.row["principal"], bill.row["interest"], loan.currency)
            bill.changed()

    def on_pay(self, moment: datetime, loan: LoanState, intent: Intent) -> None:
        if not intent.live:
            return
        amount = intent.amount
        if amount is None:
            amount = sum((bill.unpaid() for bill in loan.bills[:intent.through + 1]), ZERO)
        if amount > ZERO:
            self.record(loan, amount, moment)
            self.run.outreach.schedule_check(loan)

    def record(self, loan: LoanState, amount: Decimal, moment: datetime) -> None:
        """Recorded, allocated, the active arrangement judged (kept at once if this completes
        it), audited."""
        run = self.run
        payment_id = f"{PAYMENT_PREFIX}{run.ids.take('payment'):07d}"
        received = min(run.world.now, moment + timedelta(seconds=run.rng.randint(2, 90)))
        allocation = allocate(amount, self.reached(loan, amount), loan.order)
        run.out["payments"].append({
            "payment_id": payment_id, "borrower_id": run.id, "loan_id": loan.id, "amount": amount,
            "currency": loan.currency, "paid_at": moment, "received_at": received, "method": "wallet"})
        self.allocate(loan, payment_id, allocation, moment)
        loan.payments.append((moment, received, amount))
        outcome = run.arrangements.after_payment(loan, received, payment_id)
        details: dict[str, Any] = {
            "payment_id": payment_id, "amount": quantize(amount, loan.currency), "currency": loan.currency,
            "paid_at": moment, "credit": quantize(allocation.credit, loan.currency)}
        if outcome is not None:
            details["arrangement"] = outcome
        run.audit(received, audit.WALLET, "payment_recorded", loan_id=loan.id, details=jsonable(details))

    def reached(self, loan: LoanState, amount: Decimal) -> list[Owing]:
        """What the bills owe, oldest first, as far as the amount reaches: `allocate` pays them in
        this order and stops when the amount is spent, so the rest would get nothing."""
        owing, left = [], amount
        for bill in loan.bills:
            if left <= ZERO:
                break
            if bill.unpaid() > ZERO:
                owing.append(bill.owing(loan.order))
                left -= bill.unpaid()
        return owing

    def allocate(self, loan: LoanState, payment_id: str, allocation: Allocation, moment: datetime) -> None:
        """Each line added to what its bill has paid, anything over kept as the loan's credit."""
        for line in allocation.lines:
            bill = loan.bill(line.bill_id)
            bill.changed()
            bill.paid[line.component] += line.amount
            bill.row["paid"] += line.amount
            bill.last_paid_at = moment
            self.allocation_row(payment_id, line.bill_id, line.component, line.amount, moment)
        if allocation.credit > ZERO:
            loan.credit += allocation.credit
            self.allocation_row(payment_id, None, CREDIT, allocation.credit, moment)

    def allocation_row(self, payment_id: str, bill_id: int | None, component: str, amount: Decimal,
                       paid_at: datetime) -> None:
        self.run.out["payment_allocations"].append(
            {"payment_id": payment_id, "bill_id": bill_id, "component": component, "amount": amount,
             "paid_at": paid_at})
