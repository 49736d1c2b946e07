"""One borrower's history, simulated event by event in time order.

Every event (a payment, a late fee, an outreach pass, a reply, an agent's step, an
arrangement's review) happens on the state the events before it left. The borrower, their
loans, the clock and the events to come are here; what happens is the parts': the borrower's
payments (bot/demo/payments.py), arrangements (arrangements.py), outreach (outreach.py), the
borrower's replies and chats (borrower_replies.py), handoffs to a person (handoffs.py), and
the conversations all of it is written into (conversations.py). Each part keeps its own
state (the contacts sent, the handoffs opened, the messages written) and reaches the others
through the run.
"""
from __future__ import annotations

import heapq
import itertools
import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.arrangements.kinds.instalment_plan import add_months
from bot.arrangements.policy import Policy
from bot.clock import zone
from bot.demo.arrangements import Arrangements
from bot.demo.borrower_replies import BorrowerReplies
from bot.demo.conversations import Conversations
from bot.demo.handoffs import Handoffs
from bot.demo.outreach import Outreach
from bot.demo.payments import Payments
from bot.demo.profiles import draw_principal, draw_profile, draw_start, split_principal
from bot.demo.proportions import INTEREST_PER_MILLE, SECOND_LOAN_SHARE, TERM_WEIGHTS, TERMS
from bot.demo.rows import LOAN_PREFIX, Ids, Row, Rows
from bot.demo.state import BillState, LoanState
from bot.demo.world import UTC, World
from bot.ledger.allocation import ZERO
from bot.money import quantize

Event = tuple[datetime, int, Callable[..., None], tuple[Any, ...]]


class BorrowerRun:
    """One borrower's history: the borrower and their loans, the events to come, the parts."""

    def __init__(self, world: World, rng: random.Random, ids: Ids, out: Rows) -> None:
        self.world, self.rng, self.ids, self.out = world, rng, ids, out
        self.profile = draw_profile(rng, ids.take("borrower"))
        self.zone: ZoneInfo = zone(self.profile.timezone)
        self.rules = world.strategy.rules_for(self.profile.currency, self.profile.timezone)
        self.policy: Policy = world.book.for_currency(self.profile.currency)
        self.events: list[Event] = []
        self.sequence = itertools.count()
        self.clock = datetime.combine(world.first_day - timedelta(days=800), time(), tzinfo=UTC)  # before all
        self.script: str | None = None  # how the borrower writes, once they have
        self.flag: str | None = None  # Borrower.needs_agent_reason
        self.payments = Payments(self)
        self.arrangements = Arrangements(self)
        self.outreach = Outreach(self)
        self.replies = BorrowerReplies(self)
        self.handoffs = Handoffs(self)
        self.conversations = Conversations(self)
        self.loans = [self.new_loan() for _ in range(2 if rng.random() < SECOND_LOAN_SHARE else 1)]
        self.row = self.borrower_row()

    @property
    def id(self) -> str:
        return self.profile.id

    # --- time ----------------------------------------------------------------------------

    def local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)

    def day_of(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def some_time(self, day: date, first_hour: int = 8, last_hour: int = 22) -> datetime:
        rng = self.rng
        return self.local(day, time(rng.randint(first_hour, last_hour), rng.randrange(60), rng.randrange(60)))

    def minutes(self, bounds: tuple[int, int]) -> timedelta:
        return timedelta(minutes=self.rng.randint(*bounds), seconds=self.rng.randrange(60))

    def at(self, moment: datetime, handler: Callable[..., None], *args: Any) -> None:
        """Schedules an event; one after the history's end never happens."""
        if moment <= self.world.now:
            heapq.heappush(self.events, (moment, next(self.sequence), handler, args))

    def run(self) -> None:
        for loan in self.loans:
            self.payments.schedule(loan)
            self.outreach.schedule_check(loan)
        self.replies.schedule_own_chats()
        while self.events:
            self.clock, _, handler, args = heapq.heappop(self.events)
            handler(self.clock, *args)
        self.finish()

    # --- the borrower and the loans ---------------------------------------------------------

    def borrower_row(self) -> Row:
        first_lent = min(loan.row["created_at"] for loan in self.loans)
        created = first_lent - timedelta(days=self.rng.randint(0, 60), minutes=self.rng.randint(0, 600))
        profile = self.profile
        row = {"id": profile.id, "name": profile.name, "language": profile.language,
               "timezone": profile.timezone, "contact_opt_out_at": None, "needs_agent_reason": None,
               "created_at": created, "updated_at": created}
        self.out["borrowers"].append(row)
        return row

    def new_loan(self) -> LoanState:
        rng, currency = self.rng, self.profile.currency
        principal, count = draw_principal(rng, currency), rng.choices(TERMS, TERM_WEIGHTS)[0]
        start = draw_start(rng, self.world)
        created = min(self.world.now, self.some_time(start, 9, 20))
        row: Row = {"id": f"{LOAN_PREFIX}{self.ids.take('loan'):06d}", "borrower_id": self.profile.id,
                    "currency": currency, "principal": principal, "collection_hold": False,
                    "created_at": created, "updated_at": created}
        self.out["loans"].append(row)
        interest = quantize(principal * rng.randint(*INTEREST_PER_MILLE) / 1000, currency)
        bills = [self.new_bill(row["id"], add_months(start, n + 1), share, interest)
                 for n, share in enumerate(split_principal(principal, count, currency))]
        return LoanState(row, bills, self.policy.payments.allocation_order)

    def new_bill(self, loan_id: str, due: date, principal: Decimal, interest: Decimal) -> BillState:
        row = {"id": self.ids.take("bill"), "loan_id": loan_id, "due_date": due, "principal": principal,
               "interest": interest, "late_fee": ZERO, "opening_paid": ZERO, "paid": ZERO}
        self.out["bills"].append(row)
        return BillState(row)

    # --- the audit, ids, the end --------------------------------------------------------------

    def audit(self, moment: datetime, actor: str, action: str, *, loan_id: str | None = None,
              conversation_id: str | None = None, details: dict[str, Any] | None = None) -> Row:
        row = {"at": moment, "actor": actor, "action": action, "borrower_id": self.id, "loan_id": loan_id,
               "conversation_id": conversation_id, "details": details}
        self.out["audit_events"].append(row)
        return row

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def finish(self) -> None:
        """The messages numbered and the conversations' final statuses; the borrower's flag."""
        self.conversations.finish()
        self.row["needs_agent_reason"] = self.flag
