"""A made-up portfolio with a history of D days ending now, as plain rows per table (no
database here: bot/demo/writing.py writes them). The same seed gives the same rows.

Each borrower's history is simulated in time order, every event (a payment, a late fee, an
outreach pass, a reply, an agent's step, an arrangement's review) on the state the events
before it left, and judged by the real rules rather than made to look right: a payment is
allocated by the ledger's rule (bot/ledger/allocation.py); a contact is planned, segmented,
worded and held back by the outreach code (bot/outreach/); an arrangement is offered by its
kind's eligibility, its terms made by the kind and judged kept or broken by the review's
judgment (bot/arrangements/); the bot says domain.yml's responses. So the invariants the
code relies on hold, and a dashboard shows what the real code would have produced.

Outreach is written about the bills that fall overdue (from their D-3 reminder on, stopping
once paid); a bill the borrower pays on time has no reminders here, unlike in a live pass.
"""
from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import math
import random
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_DOWN, Decimal
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from bot import audit
from bot.arrangements.eligibility import ArrangementRecord, Eligibility
from bot.arrangements.kinds import DEFERRAL, INSTALMENT_PLAN, PROMISE_TO_PAY, Kind, Situation
from bot.arrangements.kinds.base import as_text
from bot.arrangements.kinds.instalment_plan import add_months
from bot.arrangements.policy import Policy, PolicyBook
from bot.arrangements.progress import PaymentLine, dues_counted, paid_by
from bot.arrangements.review import NEGOTIATION_FAILED, judge
from bot.clock import zone
from bot.handoffs.opening import HARD_CASES, PRIORITY
from bot.jsonable import jsonable
from bot.language import HANT, language_of_script, to_traditional
from bot.ledger.allocation import ZERO, Owing, allocate
from bot.ledger.order import COMPONENTS, CREDIT, LATE_FEE
from bot.ledger.owing import still_owed
from bot.ledger.payments import WalletPayment
from bot.loans.accounts import Account
from bot.loans.balance import BillLine, LoanBalance, loan_balance
from bot.loans.late_fees import Freeze, late_fee_owed, waived_at_end
from bot.loans.schedule import ArrangementProgress
from bot.money import code_amount, format_money, quantize, quantum
from bot.outreach import facts as holds
from bot.outreach.compliance import Contact, decide
from bot.outreach.facts import ContactCounts, Due, History, LoanFacts
from bot.outreach.planner import ARRANGEMENT, BROKEN, Planned, plan
from bot.outreach.reading import CASE_HOLDS
from bot.outreach.segments import Segment, segment_of
from bot.outreach.strategy import Strategy, Variant
from bot.outreach.templates import Rendered, render
from bot.outreach.variants import variant_for
from bot.replies import buttons, names
from bot.replies.account import balance_replies, claim_paid_replies
from bot.replies.dates import show_date
from bot.replies.render import domain_responses
from bot.replies.reply import Reply
from bot.replies.values import shown

Row = dict[str, Any]
Rows = dict[str, list[Row]]

# In the order they are written: a table after those its rows refer to.
TABLES = ("borrowers", "loans", "bills", "conversations", "messages", "payments", "payment_allocations",
          "arrangements", "arrangement_bills", "handoffs", "outreach_contacts", "audit_events")
BORROWER_PREFIX, LOAN_PREFIX, PAYMENT_PREFIX = "p-", "PL-", "pp-"
UTC = timezone.utc

# --- the portfolio's proportions -----------------------------------------------------------------

CHINESE_SHARE = 0.6
ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Asia/Taipei", "America/New_York")
ZONE_WEIGHTS = {"zh": (60, 15, 8, 15, 2), "en": (8, 20, 30, 4, 38)}  # per language, in ZONES order
CURRENCY_OF_ZONE = {"Asia/Shanghai": "CNY", "Asia/Hong_Kong": "HKD", "Asia/Singapore": "SGD",
                    "Asia/Taipei": "TWD", "America/New_York": "USD"}
TRADITIONAL_ZONES = frozenset({"Asia/Hong_Kong", "Asia/Taipei"})
TRADITIONAL_SHARE = 0.85  # of Chinese writers there; the rest write Simplified
# A principal in CNY is drawn log-uniformly from this range; other currencies scale it by
# roughly what 1 CNY is worth, rounded to a figure a lender would lend.
PRINCIPAL_CNY = (1_000, 30_000)
CURRENCY_SCALE = {"CNY": (Decimal(1), 100), "HKD": (Decimal("1.1"), 100), "SGD": (Decimal("0.19"), 10),
                  "TWD": (Decimal("4.4"), 1_000), "USD": (Decimal("0.14"), 10)}
SECOND_LOAN_SHARE = 0.15
TERMS = (3, 6, 12)  # monthly bills
TERM_WEIGHTS = (30, 45, 25)
INTEREST_PER_MILLE = (10, 20)  # of the principal, per bill
LATE_FEE_AFTER_DAYS = 15  # a bill still unpaid this long after its due date is charged a late fee
LATE_FEE_RATE = Decimal("0.02")  # of the bill's principal and interest
STARTED_BEFORE_SHARE = 0.3  # of loans lent before the history begins, up to a year before
BEHAVIOURS = ("on_time", "late", "very_late", "stops")
BEHAVIOUR_WEIGHTS = (65, 17, 8, 10)
# Of borrowers, those who would reply STOP to a contact: only about a third are ever written to
# (outreach is about bills that fall overdue), so about 2% of all opt out.
OPT_OUT_SHARE = 0.07
STOP_CHANCE = 0.6  # that such a borrower's next contact is the one they answer so

# Replies: the chance a contact is answered within a day, by what it is about; challengers are
# written to be answered (outreach.yml), and here they are, more often and with more promises,
# so that the dashboard's champion/challenger comparison shows a real difference.
REPLY_CHANCE = {"before": 0.05, "overdue": 0.08, "arrangement": 0.04}
PROMISE_CHANCE = 0.03  # of an overdue contact, on top of the other replies
CHALLENGER_REPLY_BONUS = 0.03
CHALLENGER_PROMISE_BONUS = 0.05
REPLY_MINUTES = 120  # the mean delay of a reply (at most a day)
# What a reply is about, by what it answers (weights).
REPLIES: Mapping[str, Mapping[str, float]] = {
    "before": {"ask_balance": 45, "thank": 30, "claim_paid": 10, "request_human": 3, "request_deferral": 5,
               "complaint": 2, "gibberish": 2},
    "overdue": {"ask_balance": 30, "request_deferral": 16, "request_instalment": 14, "thank": 10,
                "request_human": 3, "claim_paid": 6, "hardship": 4, "refuse_to_pay": 4, "complaint": 2,
                "dispute_debt": 2, "gibberish": 2, "legal_matter": 0.4, "distress": 0.5},
    "arrangement": {"ask_balance": 45, "thank": 40, "request_human": 8, "claim_paid": 7},
    "own": {"ask_balance": 72, "claim_paid": 12, "request_human": 2, "request_instalment": 4, "complaint": 1,
            "gibberish": 2, "thank": 7},  # a chat the borrower starts, unprompted
}
OWN_CHATS = (0.5, 0.3, 0.2)  # the shares of borrowers who start no chat, one, two in the history
SECOND_REFUSAL_CHANCE = 0.4  # a refusal to pay said twice goes to a person
SECOND_GIBBERISH_CHANCE = 0.5
DECLINE_CHANCE = 0.1  # of a proposed arrangement, at the last step
# What the borrower means to do about an arrangement: keep it (a plan: each instalment).
KEEP_CHANCE = {"promise_to_pay": 0.6, "deferral": 0.65, "instalment_plan": 0.9}
CANCEL_CHANCE = 0.03  # an agent undoes it a few days in
RESUME_CHANCE = {"on_time": 0.85, "late": 0.8, "very_late": 0.6, "stops": 0.0}  # paying again after a break
# Outreach held back for a reason the simulation does not otherwise produce: a pass that ran
# in the evening, a cap another message took.
QUIET_HOURS_SHARE = 0.04
DAILY_CAP_SHARE = 0.02

# Agents: claimed 1–120 minutes after the handoff opened, answered a few minutes later, ended
# later still; released to the bot or ended.
AGENTS = {"mei.lin": "Mei", "tom.k": "Tom"}
CLAIM_MINUTES, ANSWER_MINUTES, END_MINUTES = (1, 120), (1, 8), (5, 90)
# Cases that take days to work through, not minutes (days added to END_MINUTES).
CASE_DAYS = {"dispute": (1, 6), "legal": (1, 6), "hardship": (0, 3), "distress": (0, 2)}
RELEASE_SHARE = 0.6
AGENT_KINDS: tuple[Kind[Any, Any], ...] = (INSTALMENT_PLAN, DEFERRAL)  # a plan if allowed, else a deferral
# The chance that the agent of such a case agrees an arrangement with the borrower.
AGENT_ARRANGES = {"hardship": 0.5, "human_requested": 0.15, "negotiation_failed": 0.3, "ineligible": 0.4}
# Refusals of policy a person may weigh (bot/arrangements/negotiation.py's PERSON_MAY_ALLOW,
# not imported: that module loads the language models).
PERSON_MAY_ALLOW = frozenset({"too_far_past_due", "recent_deferral", "no_minimum_configured"})
REFUSED_TO_PAY = "The borrower said they will not pay, twice in this chat."

PASS_TIME = time(10)  # the outreach pass of the day, in the borrower's time
REVIEW_TIME = time(0, 30)  # the daily review of arrangements, just after local midnight
FEE_TIME = time(0, 5)  # the lender's system loads late fees


# --- the world, the numbering and the batches ----------------------------------------------------


@dataclass(frozen=True)
class World:
    """What every borrower's history shares: when it ends, how long it is, and the rules."""

    now: datetime  # aware: nothing is dated after it
    days: int
    strategy: Strategy
    book: PolicyBook
    wordings: dict[tuple[Any, ...], Rendered] = field(default_factory=dict, compare=False, repr=False)

    @property
    def first_day(self) -> date:
        """The history's first day (UTC): outreach and chats begin here, payments may be older."""
        return self.now.astimezone(UTC).date() - timedelta(days=self.days - 1)

    @cached_property
    def stage_days(self) -> tuple[timedelta, ...]:
        """Every stage's days from its due date, in any plan (the days a pass may write)."""
        return tuple(timedelta(days=offset) for offset in
                     sorted({stage.offset for stages in self.strategy.plans.values() for stage in stages}))

    @cached_property
    def overdue_days(self) -> tuple[timedelta, ...]:
        """Those of the stages once a bill is overdue."""
        return tuple(offset for offset in self.stage_days if offset > timedelta(0))


@dataclass
class Ids:
    """The next number of each kind of row, carried from batch to batch. The database's own
    ids (bills, messages, handoffs) start after what it holds; the rest start at 1."""

    borrower: int = 1
    loan: int = 1
    payment: int = 1
    bill: int = 1
    message: int = 1
    handoff: int = 1

    def take(self, name: str) -> int:
        number: int = getattr(self, name)
        setattr(self, name, number + 1)
        return number


TIME_ORDERED = (("payments", "received_at"), ("outreach_contacts", "at"), ("audit_events", "at"))


class Portfolio:
    """Borrowers in order, a batch at a time, from one seeded generator: the rows of borrower
    n are the same whatever the batch size."""

    def __init__(self, world: World, seed: int, ids: Ids | None = None) -> None:
        self.world, self.ids = world, ids or Ids()
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets: reproducible on purpose

    def batch(self, count: int) -> Rows:
        rows: Rows = {table: [] for table in TABLES}
        for _ in range(count):
            BorrowerRun(self.world, self.rng, self.ids, rows).run()
        # Rows without ids of their own are numbered by the database as written: in time order.
        for table, moment in TIME_ORDERED:
            rows[table].sort(key=itemgetter(moment))
        return rows


# --- who borrows what --------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    language: str  # zh | en
    timezone: str
    currency: str
    script: str  # en | hans | hant: how they write, once they do
    behaviour: str  # BEHAVIOURS
    opts_out: bool


ZH_SURNAMES = ("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 "
               "郭 何 林 高 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹").split()
ZH_GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 浩然 宇轩 欣怡 子涵 雨桐 "
            "俊杰 嘉怡 志明 美玲 建华 晓燕 文博 佳慧 国强 海燕 思远").split()
EN_FIRST = ("Alice Ben Chloe Daniel Emily Felix Grace Henry Isabel Jack Karen Leo Maya Nathan Olivia Peter "
            "Rachel Samuel Tina Victor Wendy Ryan Priya Arjun Sofia Marcus Hannah Kevin Jasmine "
            "Ethan").split()
EN_LAST = ("Tan Lim Lee Ng Wong Chan Smith Johnson Brown Garcia Miller Davis Wilson Taylor Nair Kumar Santos "
           "Cruz Reyes Baker Clark Lewis Walker Hall Young King Wright Scott Green Adams").split()


def draw_profile(rng: random.Random, number: int) -> Profile:
    language = "zh" if rng.random() < CHINESE_SHARE else "en"
    timezone_name = rng.choices(ZONES, ZONE_WEIGHTS[language])[0]
    script = _script(rng, language, timezone_name)
    return Profile(
        id=f"{BORROWER_PREFIX}{number:06d}", name=_name(rng, language, script), language=language,
        timezone=timezone_name, currency=CURRENCY_OF_ZONE[timezone_name], script=script,
        behaviour=rng.choices(BEHAVIOURS, BEHAVIOUR_WEIGHTS)[0], opts_out=rng.random() < OPT_OUT_SHARE)


def _script(rng: random.Random, language: str, timezone_name: str) -> str:
    if language == "en":
        return "en"
    return HANT if timezone_name in TRADITIONAL_ZONES and rng.random() < TRADITIONAL_SHARE else "hans"


def _name(rng: random.Random, language: str, script: str) -> str:
    if language == "en":
        return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"
    name = rng.choice(ZH_SURNAMES) + rng.choice(ZH_GIVEN)
    return traditional(name) if script == HANT else name


def draw_principal(rng: random.Random, currency: str) -> Decimal:
    """Log-uniform: many small loans, some large ones."""
    low, high = PRINCIPAL_CNY
    cny = math.exp(rng.uniform(math.log(low), math.log(high)))
    scale, step = CURRENCY_SCALE[currency]
    return quantize(max(Decimal(step), (Decimal(cny) * scale / step).to_integral_value() * step), currency)


def draw_start(rng: random.Random, world: World) -> date:
    """Most loans are lent during the history (by yesterday), some up to a year before it."""
    yesterday = world.now.astimezone(UTC).date() - timedelta(days=1)
    if rng.random() < STARTED_BEFORE_SHARE:
        return world.first_day - timedelta(days=rng.randint(1, 365))
    return min(yesterday, world.first_day + timedelta(days=rng.randint(0, max(0, world.days - 2))))


def split_principal(principal: Decimal, count: int, currency: str) -> list[Decimal]:
    """Equal shares to the minor unit; the last takes the remainder, so they add up exactly."""
    share = (principal / count).quantize(quantum(currency), rounding=ROUND_DOWN)
    return [share] * (count - 1) + [principal - share * (count - 1)]


def late_fee_of(principal: Decimal, interest: Decimal, currency: str) -> Decimal:
    return quantize((principal + interest) * LATE_FEE_RATE, currency)


def lateness(rng: random.Random, behaviour: str) -> int:
    """Days after its due date a borrower of this behaviour pays a bill."""
    if behaviour == "late":
        return int(rng.triangular(1, 30, 3))
    if behaviour == "very_late":
        return rng.randint(31, 90)
    return 0  # on time (a stopper too, until they stop)


# --- the state a history is simulated on ---------------------------------------------------------


@dataclass
class Intent:
    """A payment the borrower means to make: what bills up to `through` still owe then, or
    `amount` (an instalment, a promise). Dropped (`live` False) when plans change."""

    at: datetime
    through: int
    amount: Decimal | None = None
    live: bool = True


@dataclass
class BillState:
    row: Row  # the bills row: its late_fee and paid kept current
    paid: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, ZERO))
    covers: list[Row] = field(default_factory=list)  # its arrangement_bills rows
    last_paid_at: datetime | None = None
    known: dict[Any, Any] = field(default_factory=dict)  # figures worked out since it last changed

    def changed(self) -> None:
        self.known.clear()

    @property
    def id(self) -> int:
        bill_id: int = self.row["id"]
        return bill_id

    @property
    def due(self) -> date:
        due: date = self.row["due_date"]
        return due

    def fee_owed(self) -> Decimal:
        if not self.covers:  # most bills: no arrangement ever froze their fee
            fee: Decimal = self.row["late_fee"]
            return fee
        freezes = [Freeze(row["late_fee_at_start"], row["late_fee_waived"]) for row in self.covers
                   if row["late_fee_frozen"]]
        return late_fee_owed(self.row["late_fee"], freezes)

    def owing(self, order: Sequence[str]) -> Owing:
        row = self.row
        charges = {"principal": row["principal"], "interest": row["interest"], LATE_FEE: self.fee_owed()}
        return Owing(self.id, self.due, still_owed(charges, ZERO, self.paid, order))

    def unpaid(self) -> Decimal:
        if "unpaid" not in self.known:
            self.known["unpaid"] = max(ZERO, self.row["principal"] + self.row["interest"] + self.fee_owed()
                                       - self.row["paid"])
        unpaid: Decimal = self.known["unpaid"]
        return unpaid

    def settled(self) -> bool:
        """As the risk segment counts it: paid in full, the late fee charged included."""
        return bool(self.row["paid"] >= self.row["principal"] + self.row["interest"] + self.row["late_fee"])

    def line(self, covered: bool) -> BillLine:
        if covered not in self.known:
            row = self.row
            self.known[covered] = BillLine(self.due, row["principal"], row["interest"], self.fee_owed(),
                                           row["paid"], covered)
        line: BillLine = self.known[covered]
        return line


@dataclass
class ArrangementState:
    row: Row
    kind: Kind[Any, Any]
    terms: Any
    covers: list[Row]  # arrangement_bills rows
    planned: list[Intent] = field(default_factory=list)  # the payments the borrower means to make
    suspended: list[Intent] = field(default_factory=list)  # their own, held back while it runs

    @property
    def id(self) -> str:
        arrangement_id: str = self.row["id"]
        return arrangement_id

    @property
    def created_at(self) -> datetime:
        created: datetime = self.row["created_at"]
        return created


@dataclass
class LoanState:
    row: Row
    bills: list[BillState]
    order: tuple[str, ...]  # the components a payment pays, the first first
    natural: list[Intent] = field(default_factory=list)
    payments: list[tuple[datetime, datetime, Decimal]] = field(default_factory=list)  # paid, received
    credit: Decimal = ZERO
    arrangements: list[ArrangementState] = field(default_factory=list)
    active: ArrangementState | None = None
    broken: int = 0
    broken_since: date | None = None  # the latest break, as the planner reads it (a UTC date)
    broken_day: date | None = None  # the same, in the borrower's calendar
    keys: set[str] = field(default_factory=set)  # the outreach contacts decided
    last_check: date | None = None
    check_version: int = 0

    @property
    def id(self) -> str:
        loan_id: str = self.row["id"]
        return loan_id

    @property
    def currency(self) -> str:
        currency: str = self.row["currency"]
        return currency

    def bill(self, bill_id: int) -> BillState:
        return self.bills[bill_id - self.bills[0].id]  # numbered in order

    def oldest_unpaid(self) -> BillState | None:
        return next((bill for bill in self.bills if bill.unpaid() > ZERO), None)

    def history(self) -> list[ArrangementRecord]:
        return [ArrangementRecord(a.kind.name, a.row["status"], a.created_at) for a in self.arrangements]


@dataclass
class ConversationState:
    row: Row
    said: list[str] = field(default_factory=list)  # the borrower's messages, for a handoff's summary
    closed_at: datetime | None = None  # when an agent ended it

    @property
    def id(self) -> str:
        conversation_id: str = self.row["id"]
        return conversation_id

    def open_at(self, moment: datetime) -> bool:
        return self.closed_at is None or moment < self.closed_at


@dataclass
class HandoffState:
    row: Row
    conversation: ConversationState
    agent: str
    ends_at: datetime | None  # None: still open or claimed now

    def open_at(self, moment: datetime) -> bool:
        return self.row["created_at"] <= moment and (self.ends_at is None or moment < self.ends_at)


Event = tuple[datetime, int, Callable[..., None], tuple[Any, ...]]


# --- one borrower's history ------------------------------------------------------------------


class BorrowerRun:
    """One borrower's history, simulated event by event in time order."""

    def __init__(self, world: World, rng: random.Random, ids: Ids, out: Rows) -> None:
        self.world, self.rng, self.ids, self.out = world, rng, ids, out
        self.profile = draw_profile(rng, ids.take("borrower"))
        self.zone: ZoneInfo = zone(self.profile.timezone)
        self.rules = world.strategy.rules_for(self.profile.currency, self.profile.timezone)
        self.policy: Policy = world.book.for_currency(self.profile.currency)
        self.events: list[Event] = []
        self.sequence = itertools.count()
        self.clock = datetime.combine(world.first_day - timedelta(days=800), time(), tzinfo=UTC)  # before all
        self.messages: list[Row] = []
        self.links: list[tuple[Row, str, Row]] = []  # (row, key, message): the message's id goes there
        self.conversation: ConversationState | None = None
        self.conversations: list[ConversationState] = []
        self.handoffs: list[HandoffState] = []
        self.sent: list[tuple[str, date]] = []  # (loan, local day) of every contact sent
        self.script: str | None = None  # how the borrower writes, once they have
        self.flag: str | None = None  # Borrower.needs_agent_reason
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
            self.schedule_ledger(loan)
            self.schedule_check(loan)
        self.schedule_own_chats()
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
        order = self.policy.payments.allocation_order
        return LoanState(row, bills, order)

    def new_bill(self, loan_id: str, due: date, principal: Decimal, interest: Decimal) -> BillState:
        row = {"id": self.ids.take("bill"), "loan_id": loan_id, "due_date": due, "principal": principal,
               "interest": interest, "late_fee": ZERO, "opening_paid": ZERO, "paid": ZERO}
        self.out["bills"].append(row)
        return BillState(row)

    # --- the ledger: the borrower's own payments, late fees --------------------------------------

    def schedule_ledger(self, loan: LoanState) -> None:
        for intent in self.natural_payments(loan):
            loan.natural.append(intent)
            self.at(intent.at, self.on_pay, loan, intent)
        for bill in loan.bills:
            charged = self.local(bill.due + timedelta(days=LATE_FEE_AFTER_DAYS + 1), FEE_TIME)
            self.at(charged, self.on_fee, loan, bill)

    def natural_payments(self, loan: LoanState) -> list[Intent]:
        """When the borrower pays each bill by their behaviour, never before an earlier one (a
        payment pays the oldest bill first); bills paid the same moment are one payment."""
        behaviour = self.profile.behaviour
        stops_at = self.rng.randrange(len(loan.bills)) if behaviour == "stops" else len(loan.bills)
        intents: list[Intent] = []
        for index, bill in enumerate(loan.bills[:stops_at]):
            moment = self.some_time(bill.due + timedelta(days=lateness(self.rng, behaviour)), 7, 22)
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
            self.record_payment(loan, amount, moment)
            self.schedule_check(loan)

    def record_payment(self, loan: LoanState, amount: Decimal, moment: datetime) -> None:
        """As bot/ledger/recording.py records a payment: allocated by the one rule, each line
        added to its bill, the loan's active arrangement judged, audited."""
        payment_id = f"{PAYMENT_PREFIX}{self.ids.take('payment'):07d}"
        received = min(self.world.now, moment + timedelta(seconds=self.rng.randint(2, 90)))
        allocation = allocate(amount, self.reached(loan, amount), loan.order)
        self.out["payments"].append({
            "payment_id": payment_id, "borrower_id": self.id, "loan_id": loan.id, "amount": amount,
            "currency": loan.currency, "paid_at": moment, "received_at": received, "method": "wallet"})
        for line in allocation.lines:
            bill = loan.bill(line.bill_id)
            bill.changed()
            bill.paid[line.component] += line.amount
            bill.row["paid"] += line.amount
            bill.last_paid_at = moment
            self.allocation(payment_id, line.bill_id, line.component, line.amount)
        if allocation.credit > ZERO:
            loan.credit += allocation.credit
            self.allocation(payment_id, None, CREDIT, allocation.credit)
        loan.payments.append((moment, received, amount))
        outcome = self.review_after_payment(loan, received, payment_id)
        details = {"payment_id": payment_id, "amount": quantize(amount, loan.currency),
                   "currency": loan.currency, "paid_at": moment,
                   "credit": quantize(allocation.credit, loan.currency)}
        if outcome is not None:
            details["arrangement"] = outcome
        self.audit(received, audit.WALLET, "payment_recorded", loan_id=loan.id, details=jsonable(details))

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

    def allocation(self, payment_id: str, bill_id: int | None, component: str, amount: Decimal) -> None:
        self.out["payment_allocations"].append(
            {"payment_id": payment_id, "bill_id": bill_id, "component": component, "amount": amount})

    # --- balances and arrangements' progress, as the real code computes them ------------------------

    def balance(self, loan: LoanState, day: date, *, owed_only: bool = False) -> LoanBalance:
        """`owed_only`: the bills that owe nothing left out, which changes only the breakdown of
        the overdue amount (principal, interest, fees, paid), which outreach never reads."""
        progress = self.progress(loan, loan.active, day) if loan.active is not None else None
        covered = {row["bill_id"] for row in loan.active.covers} if loan.active is not None else set()
        bills = [bill for bill in loan.bills if bill.unpaid() > ZERO] if owed_only else loan.bills
        return loan_balance(loan.id, loan.currency, loan.row["principal"],
                            [bill.line(bill.id in covered) for bill in bills], day, progress)

    def toward(self, loan: LoanState, arrangement: ArrangementState, day: date) -> list[PaymentLine]:
        """The payments an arrangement counts (bot/arrangements/progress.py): received since it
        was made, on the day the borrower paid, up to `day`."""
        lines = [(self.day_of(paid), amount) for paid, received, amount in loan.payments
                 if received >= arrangement.created_at]
        return [line for line in lines if line[0] <= day]

    def progress(self, loan: LoanState, arrangement: ArrangementState, day: date) -> ArrangementProgress:
        dues = dues_counted(arrangement.terms, paid_by(self.toward(loan, arrangement, day), day))
        frozen = sum((Freeze(row["late_fee_at_start"], row["late_fee_waived"]).waived_of(
            loan.bill(row["bill_id"]).row["late_fee"])
            for row in arrangement.covers if row["late_fee_frozen"]), ZERO)
        kind = arrangement.kind
        return ArrangementProgress(arrangement.id, kind.name, kind.reschedules and bool(arrangement.covers),
                                   dues, frozen)

    def account(self, day: date) -> Account:
        profile = self.profile
        credits = {loan.id: loan.credit for loan in self.loans if loan.credit > ZERO}
        return Account(profile.id, profile.name, profile.language, profile.timezone, day,
                       tuple(self.balance(loan, day) for loan in self.loans), credits)

    def eligibility(self, loan: LoanState, kind: Kind[Any, Any], balance: LoanBalance,
                    day: date) -> Eligibility:
        hold = loan.row["collection_hold"]
        return kind.eligibility(balance, loan.history(), self.policy, day, on_hold=hold)

    # --- arrangements: made, followed, judged ------------------------------------------------------

    def arrange(self, loan: LoanState, kind: Kind[Any, Any], terms: Any, moment: datetime,
                created_by: str, conversation: ConversationState) -> ArrangementState:
        """As bot/arrangements/service.py records one: active, covering the bills overdue that
        day (a deferral, a plan), audited; then the borrower's intention about it."""
        terms_json = kind.to_json(terms)
        key = idempotency_key(conversation.id, loan.id, kind, terms_json) if created_by == audit.BOT else None
        row: Row = {"id": str(self.uuid()), "loan_id": loan.id, "type": kind.name, "status": "active",
                    "terms": terms_json, "conversation_id": conversation.id, "created_by": created_by,
                    "idempotency_key": key, "created_at": moment, "updated_at": moment}
        self.out["arrangements"].append(row)
        arrangement = ArrangementState(row, kind, terms, self.cover(loan, row["id"], kind, terms, moment))
        loan.arrangements.append(arrangement)
        loan.active = arrangement
        self.audit(moment, created_by, "arrangement_created", loan_id=loan.id,
                   conversation_id=conversation.id,
                   details={"arrangement_id": row["id"], "type": kind.name, "terms": terms_json})
        self.intend(loan, arrangement, moment)
        self.schedule_check(loan)
        return arrangement

    def cover(self, loan: LoanState, arrangement_id: str, kind: Kind[Any, Any], terms: Any,
              moment: datetime) -> list[Row]:
        """bot/arrangements/coverage.py's `cover`: the bills overdue on the day, with their fee."""
        if not kind.reschedules:
            return []
        day, rows = self.day_of(moment), []
        for bill in loan.bills:
            if bill.due < day and bill.unpaid() > ZERO:
                row = {"arrangement_id": arrangement_id, "bill_id": bill.id,
                       "late_fee_at_start": bill.row["late_fee"],
                       "late_fee_frozen": kind.freezes_late_fees(terms), "late_fee_waived": None}
                bill.covers.append(row)
                bill.changed()
                rows.append(row)
        self.out["arrangement_bills"].extend(rows)
        return rows

    def intend(self, loan: LoanState, arrangement: ArrangementState, moment: datetime) -> None:
        """The payments the borrower will make toward it (all of them when they keep it), their
        own held back while it runs; a review on the day after each due's grace; now and then an
        agent's undoing."""
        dues = arrangement.kind.schedule(arrangement.terms)
        arrangement.suspended = [intent for intent in loan.natural if intent.live and intent.at > moment]
        for intent in arrangement.suspended:
            intent.live = False
        for due in dues[:self.dues_kept(arrangement.kind.name, len(dues))]:
            intent = Intent(self.pay_by(due.due_date, moment), len(loan.bills) - 1, due.amount)
            arrangement.planned.append(intent)
            self.at(intent.at, self.on_pay, loan, intent)
        grace = timedelta(days=self.policy.review.grace_days + 1)
        for due in dues:
            self.at(self.local(due.due_date + grace, REVIEW_TIME), self.on_review, loan, arrangement)
        if self.rng.random() < CANCEL_CHANCE:
            self.at(moment + timedelta(days=self.rng.randint(1, 5), hours=self.rng.randint(0, 8)),
                    self.on_cancel, loan, arrangement)

    def dues_kept(self, kind: str, count: int) -> int:
        """How many of its dues the borrower pays: all, when they keep it."""
        if kind != INSTALMENT_PLAN.name:
            return count if self.rng.random() < KEEP_CHANCE[kind] else 0
        return next((n for n in range(count) if self.rng.random() >= KEEP_CHANCE[kind]), count)

    def pay_by(self, due: date, after: datetime) -> datetime:
        """A moment in the few days up to the due date, after `after`."""
        start = max(self.day_of(after), due - timedelta(days=4))
        moment = self.some_time(start + timedelta(days=self.rng.randint(0, (due - start).days)), 8, 21)
        return moment if moment > after else after + self.minutes((10, 120))

    def review_after_payment(self, loan: LoanState, moment: datetime, payment_id: str) -> str | None:
        """A payment completing the active arrangement keeps it at once (bot/ledger/recording.py)."""
        arrangement = loan.active
        if arrangement is None:
            return None
        outcome = self.judged(loan, arrangement, self.day_of(moment))
        if outcome is not None:
            self.settle(loan, arrangement, outcome, moment, payment_id)
        return outcome

    def judged(self, loan: LoanState, arrangement: ArrangementState, day: date) -> str | None:
        """bot/arrangements/review.py's judgment: kept, broken, or None (still running)."""
        payments = self.toward(loan, arrangement, day)
        return judge(arrangement.terms, payments, self.policy.review.grace_days, day)

    def on_review(self, moment: datetime, loan: LoanState, arrangement: ArrangementState) -> None:
        """The daily review (bot/arrangements/review.py), on the day after a due's grace."""
        if loan.active is not arrangement:
            return
        outcome = self.judged(loan, arrangement, self.day_of(moment))
        if outcome is not None:
            self.settle(loan, arrangement, outcome, moment, None)

    def on_cancel(self, moment: datetime, loan: LoanState, arrangement: ArrangementState) -> None:
        if loan.active is not arrangement:
            return
        agent = self.rng.choice(tuple(AGENTS))
        self.end(loan, arrangement, "cancelled", moment, charged_back=False)
        self.audit(moment, audit.agent(agent), "arrangement_cancelled", loan_id=loan.id,
                   conversation_id=arrangement.row["conversation_id"],
                   details={"arrangement_id": arrangement.id, "type": arrangement.kind.name,
                            "reason": "the borrower asked to change it"})
        self.resume(loan, arrangement, moment, broken=False)

    def settle(self, loan: LoanState, arrangement: ArrangementState, outcome: str, moment: datetime,
               payment_id: str | None) -> None:
        """Kept or broken: ended as bot/arrangements/review.py ends it, and audited."""
        broken = outcome == "broken"
        self.end(loan, arrangement, outcome, moment, charged_back=broken and self.policy.review.charges_back)
        details = {"arrangement_id": arrangement.id, "type": arrangement.kind.name,
                   "reviewed_on": self.day_of(moment).isoformat()}
        if payment_id is not None:
            details["payment_id"] = payment_id
        if broken:
            loan.broken += 1
            loan.broken_since, loan.broken_day = moment.astimezone(UTC).date(), self.day_of(moment)
            if arrangement.kind.flagged_when_broken:
                self.flag = details["needs_agent_reason"] = NEGOTIATION_FAILED
        self.audit(moment, audit.SYSTEM, f"arrangement_{outcome}", loan_id=loan.id,
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
        if broken and self.rng.random() >= RESUME_CHANCE[self.profile.behaviour]:
            arrangement.suspended = []
        for held in arrangement.suspended:
            later = moment + (timedelta(days=self.rng.randint(2, 40)) if broken else self.minutes((60, 4000)))
            intent = Intent(max(held.at, later), held.through)
            loan.natural.append(intent)
            self.at(intent.at, self.on_pay, loan, intent)
        self.schedule_check(loan)

    # --- outreach: a pass at 10:00 local on every day a contact may be due -------------------------

    def schedule_check(self, loan: LoanState) -> None:
        """The next day the planner may write about the loan, as things stand (a payment or an
        arrangement reschedules it)."""
        loan.check_version += 1
        after = loan.last_check + timedelta(days=1) if loan.last_check else date.min
        first = max(self.world.first_day, after, self.day_of(self.clock))
        for day in sorted({day for day in self.check_days(loan) if day >= first})[:2]:  # today's may be gone
            moment = self.local(day, PASS_TIME)
            if moment > self.clock:
                self.at(moment, self.on_check, loan, loan.check_version)
                return

    def check_days(self, loan: LoanState) -> list[date]:
        if loan.active is not None:  # its own reminders: two days before a due, on it, the day after
            due = self.progress(loan, loan.active, date.max).next_due
            return [] if due is None else [due.due_date + timedelta(days=n) for n in (-2, 0, 1)]
        days = [loan.broken_day] if loan.broken_day else []
        bill = loan.oldest_unpaid()
        if bill is None:
            return days
        offsets = self.world.stage_days if self.falls_overdue(loan, bill) else self.world.overdue_days
        return days + [bill.due + offset for offset in offsets]

    def falls_overdue(self, loan: LoanState, bill: BillState) -> bool:
        """Whether the borrower, as they mean to pay now, leaves the bill unpaid past its due date.
        Outreach is about the bills that fall overdue, from their first reminder on; one paid on
        time is not written about (should plans change, the check is scheduled again)."""
        index, deadline = loan.bills.index(bill), self.local(bill.due + timedelta(days=1), time())
        return not any(intent.live and intent.through >= index and intent.at < deadline
                       for intent in loan.natural)

    def on_check(self, moment: datetime, loan: LoanState, version: int) -> None:
        if version != loan.check_version:
            return
        loan.last_check = self.day_of(moment)
        self.outreach(loan, moment)
        self.schedule_check(loan)

    def outreach(self, loan: LoanState, moment: datetime) -> None:
        """bot/outreach/run.py's `_decide` for one loan: planned, segmented, worded, judged by the
        compliance engine; delivered when allowed, and perhaps answered."""
        strategy = self.world.strategy
        facts = self.facts(loan, moment)
        segment = segment_of(facts, strategy)
        planned = plan(facts, segment, strategy)
        if planned is None or planned.key(facts) in loan.keys:
            return
        loan.keys.add(planned.key(facts))
        variant = stable_variant(self.id, planned.stage, planned.message.variants)
        first = facts.counts.ever == 0
        words = self.words(variant, facts, segment, planned.values, first)
        passed = self.as_passed(facts)
        contact = Contact(planned.purpose, planned.arrangement_type, self.id, first, words.discloses)
        decision = decide(passed, contact, self.rules)
        at = passed.now.astimezone(UTC)
        row = {"key": planned.key(facts), "borrower_id": self.id, "loan_id": loan.id, "stage": planned.stage,
               "day": planned.day, "segment": segment.name, "template": f"{planned.stage}/{variant.name}",
               "variant": variant.name, "language": written_in(facts),
               "status": "sent" if decision.allowed else "suppressed", "reason": decision.rule,
               "detail": decision.detail or None, "temporary": decision.temporary, "text": words.text,
               "buttons": words.buttons, "conversation_id": None, "message_id": None, "at": at,
               "push_status": "none", "push_attempts": 0, "push_next_at": None, "push_error": None,
               "created_at": at, "updated_at": at}
        self.out["outreach_contacts"].append(row)
        if decision.allowed:
            self.deliver(loan, row, at)
            self.maybe_reply(loan, planned, variant, at)

    def words(self, variant: Variant, facts: LoanFacts, segment: Segment, values: Mapping[str, Any],
              first: bool) -> Rendered:
        """`render`'s words, worked out once per wording: rendered with markers for the name, the
        loan and the values, which are then put in (render fills them in last, after any script
        conversion; the loan is in the buttons' payloads too)."""
        key = (variant, segment.first_offer, first, facts.reply_language, facts.traditional, tuple(values))
        wordings = self.world.wordings
        if key not in wordings:
            anyone = replace(facts, name=marker("name"),
                             balance=replace(facts.balance, loan_id=marker("loan")))
            wordings[key] = render(self.world.strategy, variant, facts=anyone, segment=segment,
                                   values={name: marker(name) for name in values}, first=first)
        template = wordings[key]
        filled = {"name": facts.name, "loan": facts.loan_id,
                  **preformatted(values, facts.currency, facts.reply_language)}
        text = template.text
        for name, value in filled.items():
            text = text.replace(marker(name), str(value))
        buttons_ = [{"title": b["title"], "payload": b["payload"].replace(marker("loan"), facts.loan_id)}
                    for b in template.buttons]
        return Rendered(text, buttons_, template.discloses)

    def as_passed(self, facts: LoanFacts) -> LoanFacts:
        """Now and then the pass that decided ran in the evening, or another message had taken the
        loan's cap for the day."""
        draw = self.rng.random()
        if draw < QUIET_HOURS_SHARE:
            evening = facts.now.replace(hour=22, minute=self.rng.randint(10, 50))  # after every window
            if evening.astimezone(UTC) <= self.world.now:
                return replace(facts, now=evening)
        elif draw < QUIET_HOURS_SHARE + DAILY_CAP_SHARE:
            return replace(facts, counts=replace(facts.counts, loan_today=self.rules.per_loan_per_day))
        return facts

    def facts(self, loan: LoanState, moment: datetime) -> LoanFacts:
        """What bot/outreach/reading.py would read of the loan at this moment."""
        now = moment.astimezone(self.zone)
        day = now.date()
        balance = self.balance(loan, day, owed_only=True)
        dues = dues_of(balance)
        profile = self.profile
        return LoanFacts(
            borrower_id=profile.id, name=profile.name, language=profile.language, script=self.script,
            timezone=profile.timezone, now=now, balance=balance, history=self.history(loan, day),
            counts=self.counts(loan.id, day), holds=frozenset(self.holds(loan, moment, dues, day)),
            dues=dues, broken_since=loan.broken_since)

    def history(self, loan: LoanState, day: date) -> History:
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

    def counts(self, loan_id: str, day: date) -> ContactCounts:
        return ContactCounts(
            loan_today=sum(1 for loan, sent in self.sent if loan == loan_id and sent == day),
            loan_last_7_days=sum(1 for loan, sent in self.sent if loan == loan_id and (day - sent).days < 7),
            borrower_today=sum(1 for _, sent in self.sent if sent == day),
            ever=1 if self.sent else 0)

    def holds(self, loan: LoanState, moment: datetime, dues: tuple[Due, ...], day: date) -> Iterable[str]:
        """As bot/outreach/reading.py's `_holds_of` finds them."""
        if self.row["contact_opt_out_at"] is not None and self.row["contact_opt_out_at"] <= moment:
            yield holds.STOP_CONTACT
        if loan.row["collection_hold"]:
            yield holds.DISPUTE
        for handoff in self.handoffs:
            if handoff.open_at(moment):
                yield holds.HANDOFF
                if handoff.row["reason"] in CASE_HOLDS:
                    yield CASE_HOLDS[handoff.row["reason"]]
        kind = dues[0].type if dues else None
        if kind == DEFERRAL.name:
            yield holds.DEFERRAL
        if kind == PROMISE_TO_PAY.name and dues[-1].due_date >= day:
            yield holds.PROMISE

    def deliver(self, loan: LoanState, row: Row, at: datetime) -> None:
        """bot/outreach/outbox.py's `deliver`: into the open conversation (started if none)."""
        conversation = self.conversation_at(at, by_borrower=False)
        message = self.write(conversation, "bot", row["text"], row["buttons"], at, kind="outreach")
        row["conversation_id"] = conversation.id
        self.links.append((row, "message_id", message))
        self.sent.append((loan.id, self.day_of(at)))
        self.audit(at, audit.BOT, "outreach_sent", loan_id=loan.id, conversation_id=conversation.id,
                   details={"stage": row["stage"], "template": row["template"], "key": row["key"]})

    # --- replies and chats ---------------------------------------------------------------------

    def schedule_own_chats(self) -> None:
        """Now and then a borrower opens the chat unprompted: what they owe, mostly."""
        span = int((self.world.now - self.local(self.world.first_day, time())).total_seconds())
        weights = REPLIES["own"]
        for _ in range(self.rng.choices(range(len(OWN_CHATS)), OWN_CHATS)[0]):
            moment = self.local(self.world.first_day, time()) + timedelta(seconds=self.rng.randrange(span))
            if 8 <= moment.astimezone(self.zone).hour < 23:
                intent = self.rng.choices(tuple(weights), tuple(weights.values()))[0]
                self.at(moment, self.on_reply, self.rng.choice(self.loans), intent)

    def maybe_reply(self, loan: LoanState, planned: Planned, variant: Variant, at: datetime) -> None:
        intent = self.reply_intent(planned, variant)
        if intent is not None:
            delay = min(24 * 60 - 1, 2 + self.rng.expovariate(1 / REPLY_MINUTES))
            self.at(at + timedelta(minutes=delay), self.on_reply, loan, intent)

    def reply_intent(self, planned: Planned, variant: Variant) -> str | None:
        """What the borrower answers, if anything: a promise more often to a challenger."""
        opted_out = self.row["contact_opt_out_at"] is not None
        if self.profile.opts_out and not opted_out and self.rng.random() < STOP_CHANCE:
            return "stop_contact"
        about = replying_to(planned)
        challenger = variant.name != planned.message.variants[0].name
        promise = 0.0
        if about == "overdue":
            promise = PROMISE_CHANCE + (CHALLENGER_PROMISE_BONUS if challenger else 0)
        reply = REPLY_CHANCE[about] + (CHALLENGER_REPLY_BONUS if challenger else 0)
        draw = self.rng.random()
        if draw < promise:
            return PROMISE_TO_PAY.intent
        if draw < promise + reply:
            weights = REPLIES[about]
            return self.rng.choices(tuple(weights), tuple(weights.values()))[0]
        return None

    def on_reply(self, moment: datetime, loan: LoanState, intent: str) -> None:
        if any(handoff.open_at(moment) for handoff in self.handoffs):
            return  # a person has the chat
        chat = Chat(self, self.conversation_at(moment, by_borrower=True), moment)
        if self.flag is not None:
            self.flagged_chat(chat, intent)
        else:
            self.chat(chat, loan, intent)

    def chat(self, chat: Chat, loan: LoanState, intent: str) -> None:
        if intent in HARD_CASES:
            self.hard_case_chat(chat, intent)
        elif intent in ARRANGING:
            self.arrangement_chat(chat, loan, ARRANGING[intent])
        elif intent == "ask_balance":
            chat.borrower(self.line(intent)) and chat.bot(
                balance_replies(self.account(chat.day), chat.language))
        elif intent == "claim_paid":
            chat.borrower(self.line(intent)) and chat.bot(
                claim_paid_replies(self.account(chat.day), self.paid_lately(chat.clock), chat.language))
        elif intent == "refuse_to_pay":
            self.refusal_chat(chat)
        elif intent == "gibberish":
            self.gibberish_chat(chat)
        else:
            chat.borrower(self.line(intent)) and chat.bot([Reply("utter_thank")])

    def line(self, intent: str) -> str:
        return borrower_line(self.rng, intent, self.profile.language)

    def paid_lately(self, moment: datetime) -> list[WalletPayment]:
        """The payments of the last week, newest first, as "I already paid" looks for them."""
        since = moment - timedelta(days=7)
        found = [WalletPayment("-", self.id, loan.id, amount, loan.currency, paid)
                 for loan in self.loans for paid, _, amount in loan.payments if since <= paid <= moment]
        return sorted(found, key=lambda payment: payment.paid_at, reverse=True)

    def hard_case_chat(self, chat: Chat, intent: str) -> None:
        case = HARD_CASES[intent]
        if chat.borrower(self.line(intent)) and chat.bot([Reply(case.answer)]):
            self.hand_over(chat, case.reason)

    def refusal_chat(self, chat: Chat) -> None:
        line = self.line("refuse_to_pay")
        if not (chat.borrower(line) and chat.bot([Reply("utter_refuse_to_pay")])):
            return
        if self.rng.random() < SECOND_REFUSAL_CHANCE and chat.borrower(self.line("refuse_to_pay")) \
                and chat.bot([Reply("utter_handover_negotiation_failed")]):
            self.open_handoff(chat, NEGOTIATION_FAILED, note=REFUSED_TO_PAY)

    def gibberish_chat(self, chat: Chat) -> None:
        if not (chat.borrower(self.line("gibberish")) and chat.bot([Reply("utter_please_rephrase")])):
            return
        if self.rng.random() < SECOND_GIBBERISH_CHANCE and chat.borrower(self.line("gibberish")) \
                and chat.bot([Reply("utter_handover_not_understood")]):
            self.open_handoff(chat, "not_understood")

    def flagged_chat(self, chat: Chat, intent: str) -> None:
        """After a broken plan or promise the borrower's next message goes to a person
        (bot/gateway/conversations.py), the gateway saying a person will answer."""
        if chat.borrower(self.line(intent if intent in LINES else "ask_balance")):
            reason, self.flag = self.flag or NEGOTIATION_FAILED, None
            self.open_handoff(chat, reason, actor=audit.SYSTEM)
            chat.bot([Reply("utter_holding")])

    def arrangement_chat(self, chat: Chat, loan: LoanState, kind: Kind[Any, Any]) -> None:
        """The negotiation form, as the borrower taps through it: the offer (or why not), a
        question per field with the policy's choices, the exact terms, a yes, the arrangement."""
        day, language = chat.day, chat.language
        balance = self.balance(loan, day)
        eligibility = self.eligibility(loan, kind, balance, day)
        if not (chat.borrower(self.line(kind.intent)) and chat.bot(offer_replies(
                kind, loan.id, loan.currency, eligibility, language))):
            return
        if not eligibility.ok:
            if eligibility.reason in PERSON_MAY_ALLOW:
                self.open_handoff(chat, "ineligible")
            return
        situation = Situation(balance, day, self.policy)
        values = self.fill_in(chat, kind, situation, loan.currency)
        if values is None:
            return
        terms = kind.terms(values, situation)
        values_shown = shown(kind.shown(terms), loan.currency, language)
        proposal = [Reply(kind.propose_response, {"loan_id": loan.id, **values_shown}),
                    Reply("utter_ask_confirm")]
        if not chat.bot(proposal):
            return
        agrees = self.rng.random() >= DECLINE_CHANCE
        if not chat.borrower(chat.last_buttons[0 if agrees else 1]["title"]):
            return
        if agrees:
            arrangement = self.arrange(loan, kind, terms, chat.clock, audit.BOT, chat.conversation)
            chat.bot([Reply("utter_arrangement_created", {"reference": arrangement.id[:8]})])
        else:
            chat.bot([Reply("utter_arrangement_declined")])

    def fill_in(self, chat: Chat, kind: Kind[Any, Any], situation: Situation,
                currency: str) -> dict[str, Any] | None:
        """Each field asked with its quick replies, and one tapped."""
        values = {}
        for item in kind.fields:
            choices = kind.choices(item, situation)
            value = self.rng.choice(choices)
            titles = [buttons.title_of(choice, currency, chat.language) for choice in choices]
            question = Reply(names.ask(item.slot), {}, tuple(
                buttons.choice(item.entity, as_text(choice), title)
                for choice, title in zip(choices, titles, strict=True)))
            if not (chat.bot([question]) and chat.borrower(titles[choices.index(value)])):
                return None
            checked, invalid = kind.check(item, value, situation)
            if invalid is not None:
                return None
            values[item.name] = checked
        return values

    # --- handoffs ----------------------------------------------------------------------------------

    def hand_over(self, chat: Chat, reason: str) -> None:
        """bot/handoffs/opening.py's `hand_over`: what the reason requires, then the handoff."""
        if reason == "dispute":
            for loan in self.loans:
                if not loan.row["collection_hold"]:
                    loan.row["collection_hold"], loan.row["updated_at"] = True, chat.clock
                    self.audit(chat.clock, audit.BOT, "collection_hold_set", loan_id=loan.id,
                               details={"reason": "dispute"})
        elif reason == "stop_contact" and self.row["contact_opt_out_at"] is None:
            self.row["contact_opt_out_at"] = self.row["updated_at"] = chat.clock
            self.audit(chat.clock, audit.borrower(self.id), "contact_opt_out")
        self.open_handoff(chat, reason)

    def open_handoff(self, chat: Chat, reason: str, actor: str = audit.BOT, note: str | None = None) -> None:
        """Opened now; claimed, answered and ended by an agent later, as far as the history goes."""
        opened = chat.clock
        claimed = opened + self.minutes(CLAIM_MINUTES)
        answered = claimed + self.minutes(ANSWER_MINUTES)
        days = timedelta(days=self.rng.randint(*CASE_DAYS.get(reason, (0, 0))))
        ends = answered + days + self.minutes(END_MINUTES)
        outcome = "released" if self.rng.random() < RELEASE_SHARE else "closed"
        agent = self.rng.choice(tuple(AGENTS))
        now = self.world.now
        row = {"id": self.ids.take("handoff"), "conversation_id": chat.conversation.id,
               "borrower_id": self.id, "reason": reason, "priority": PRIORITY[reason],
               "status": "closed" if ends <= now else "claimed" if claimed <= now else "open",
               "summary": self.summary(chat, reason, note), "claimed_by": agent if claimed <= now else None,
               "claimed_at": claimed if claimed <= now else None, "outcome": outcome if ends <= now else None,
               "closed_at": ends if ends <= now else None, "created_at": opened,
               "updated_at": ends if ends <= now else claimed if claimed <= now else opened}
        self.out["handoffs"].append(row)
        handoff = HandoffState(row, chat.conversation, agent, ends if ends <= now else None)
        self.handoffs.append(handoff)
        self.audit(opened, actor, "handoff_opened", conversation_id=chat.conversation.id,
                   details={"handoff_id": row["id"], "reason": reason, "priority": row["priority"]})
        self.at(claimed, self.on_claim, handoff)
        self.at(answered, self.on_answer, handoff)
        self.at(ends, self.on_end, handoff, outcome)

    def summary(self, chat: Chat, reason: str, note: str | None) -> str:
        """bot/handoffs/summary.py's few lines: why, the language, what was said, what is owed."""
        language = language_of_script(chat.conversation.row["script"]) or self.profile.language
        lines = [f"Reason: {reason}. Language: {language}."] + ([note] if note else [])
        said = [" ".join(text.split()) for text in chat.conversation.said[-3:]]
        if said:
            lines.append("Borrower said: " + " / ".join(f"“{text}”" for text in said))
        balances = self.account(chat.day).balances
        lines.append("Loans: " + "; ".join(
            f"{b.loan_id} {code_amount(b.overdue_amount, b.currency)} overdue, "
            f"{b.days_past_due} days past due" for b in balances) + ".")
        return "\n".join(lines)

    def on_claim(self, moment: datetime, handoff: HandoffState) -> None:
        self.handoff_audit(moment, handoff, "handoff_claimed", "claimed")

    def on_answer(self, moment: datetime, handoff: HandoffState) -> None:
        """The agent writes to the borrower, and sometimes agrees an arrangement for them."""
        chat = Chat(self, handoff.conversation, moment)
        if not chat.agent(handoff.agent, agent_line(self.rng, handoff.row["reason"], chat.language,
                                                    self.profile.name, AGENTS[handoff.agent])):
            return
        self.handoff_audit(chat.clock, handoff, "agent_message_sent", "claimed", message=self.messages[-1])
        if self.rng.random() < AGENT_ARRANGES.get(handoff.row["reason"], 0):
            self.agent_arrangement(chat, handoff)
        if self.rng.random() < 0.5:
            chat.borrower(self.line("thank"))

    def agent_arrangement(self, chat: Chat, handoff: HandoffState) -> None:
        """A plan, or failing that a deferral, on the first loan the policy allows one on."""
        day = chat.day
        for loan in self.loans:
            balance = self.balance(loan, day)
            for kind in AGENT_KINDS:
                situation = Situation(balance, day, self.policy)
                values = self.pick(kind, situation) if self.eligibility(loan, kind, balance, day).ok else None
                if values is not None:
                    terms = kind.terms(values, situation)
                    text = AGENT_ARRANGED[chat.language].format(terms=kind.describe(terms),
                                                                kind=KIND_NAMES_ZH[kind.name])
                    if chat.agent(handoff.agent, text):
                        self.arrange(loan, kind, terms, chat.clock, audit.agent(handoff.agent),
                                     handoff.conversation)
                    return

    def pick(self, kind: Kind[Any, Any], situation: Situation) -> dict[str, Any] | None:
        """A value for each field among the policy's choices, checked as the form checks it."""
        values = {}
        for item in kind.fields:
            value, invalid = kind.check(item, self.rng.choice(kind.choices(item, situation)), situation)
            if invalid is not None:
                return None
            values[item.name] = value
        return values

    def on_end(self, moment: datetime, handoff: HandoffState, outcome: str) -> None:
        """Released to the bot, or the conversation ended (the next message starts another)."""
        conversation = handoff.conversation
        self.handoff_audit(moment, handoff, f"handoff_{outcome}", "closed")
        chat = Chat(self, conversation, moment - timedelta(seconds=30))
        chat.bot([Reply("utter_handed_back" if outcome == "released" else "utter_chat_closed")])
        if outcome == "closed":
            conversation.closed_at = moment

    def handoff_audit(self, moment: datetime, handoff: HandoffState, action: str, status: str,
                      message: Row | None = None) -> None:
        details = {"handoff_id": handoff.row["id"], "status": status}
        row = self.audit(moment, audit.agent(handoff.agent), action, conversation_id=handoff.conversation.id,
                         details=details)
        if message is not None:
            self.links.append((row["details"], "message_id", message))

    # --- conversations and messages ------------------------------------------------------------------

    def conversation_at(self, moment: datetime, *, by_borrower: bool) -> ConversationState:
        """The borrower's conversation that is not closed, started (and audited) when there is none."""
        if self.conversation is not None and self.conversation.open_at(moment):
            return self.conversation
        row: Row = {"id": self.uuid().hex, "borrower_id": self.id, "status": "bot", "script": None,
                    "created_at": moment, "updated_at": moment}
        self.out["conversations"].append(row)
        self.conversation = ConversationState(row)
        self.conversations.append(self.conversation)
        if by_borrower:
            self.audit(moment, audit.borrower(self.id), "conversation_started", conversation_id=row["id"])
        else:
            self.audit(moment, audit.BOT, "conversation_started", conversation_id=row["id"],
                       details={"by": "outreach"})
        return self.conversation

    def write(self, conversation: ConversationState, sender: str, text: str,
              buttons_: list[dict[str, str]] | None, moment: datetime, kind: str | None = None,
              agent: str | None = None) -> Row:
        row = {"id": None, "conversation_id": conversation.id, "sender": sender, "text": text,
               "buttons": buttons_ or None, "agent_username": agent, "delivered": True, "kind": kind,
               "created_at": moment}
        self.messages.append(row)
        conversation.row["updated_at"] = max(conversation.row["updated_at"], moment)
        if sender == "borrower":
            conversation.said.append(text)
            conversation.row["script"] = self.script = self.profile.script
        return row

    # --- the end ---------------------------------------------------------------------------------------

    def finish(self) -> None:
        """Messages numbered in time order, references to them filled in, final statuses."""
        self.messages.sort(key=lambda row: row["created_at"])
        for row in self.messages:
            row["id"] = self.ids.take("message")
        for target, key, message in self.links:
            target[key] = message["id"]
        self.out["messages"].extend(self.messages)
        for conversation in self.conversations:
            conversation.row["status"] = self.status_of(conversation)
        self.row["needs_agent_reason"] = self.flag

    def status_of(self, conversation: ConversationState) -> str:
        if not conversation.open_at(self.world.now):
            return "closed"
        handed = any(h.conversation is conversation and h.open_at(self.world.now) for h in self.handoffs)
        return "handoff" if handed else "bot"

    def audit(self, moment: datetime, actor: str, action: str, *, loan_id: str | None = None,
              conversation_id: str | None = None, details: dict[str, Any] | None = None) -> Row:
        row = {"at": moment, "actor": actor, "action": action, "borrower_id": self.id, "loan_id": loan_id,
               "conversation_id": conversation_id, "details": details}
        self.out["audit_events"].append(row)
        return row

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)


# --- writing a chat ------------------------------------------------------------------------------


class Chat:
    """Messages written one after another into a conversation, seconds apart; nothing after the
    history's end (a chat still going on then is cut there: each step says whether it was written)."""

    def __init__(self, run: BorrowerRun, conversation: ConversationState, moment: datetime) -> None:
        self.run, self.conversation, self.clock = run, conversation, moment
        self.last_buttons: list[dict[str, str]] = []

    @property
    def day(self) -> date:
        return self.run.day_of(self.clock)

    @property
    def language(self) -> str:
        return language_of_script(self.run.script) or self.run.profile.language

    def _next(self, low: int, high: int) -> bool:
        self.clock += timedelta(seconds=self.run.rng.randint(low, high))
        return self.clock <= self.run.world.now

    def borrower(self, text: str) -> bool:
        """In the borrower's own script (their first message included)."""
        if not self._next(8, 90):
            return False
        own = traditional(text) if self.run.profile.script == HANT else text
        self.run.write(self.conversation, "borrower", own, None, self.clock)
        return True

    def bot(self, replies: Sequence[Reply]) -> bool:
        """domain.yml's responses in the reader's language (Traditional for one who writes it)."""
        for reply in replies:
            if not self._next(1, 3):
                return False
            rendered = domain_responses().render(reply, self.language)
            self.last_buttons = [{"title": self.scripted(b["title"]), "payload": b["payload"]}
                                 for b in [*rendered.buttons, *reply.buttons]]
            text = self.scripted(rendered.text)
            self.run.write(self.conversation, "bot", text, self.last_buttons, self.clock)
        return True

    def agent(self, username: str, text: str) -> bool:
        if not self._next(20, 120):
            return False
        self.run.write(self.conversation, "agent", self.scripted(text), None, self.clock, agent=username)
        return True

    def scripted(self, text: str) -> str:
        return traditional(text) if self.run.script == HANT else text


# --- small pure helpers -----------------------------------------------------------------------------


ARRANGING = {kind.intent: kind for kind in (DEFERRAL, INSTALMENT_PLAN, PROMISE_TO_PAY)}


def replying_to(planned: Planned) -> str:
    """before (a reminder of a bill not yet due), overdue, or arrangement (its own reminders)."""
    if planned.stage == BROKEN:
        return "overdue"
    if planned.purpose == ARRANGEMENT:
        return "arrangement"
    return "overdue" if int(planned.stage[1:]) > 0 else "before"


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


def offer_replies(kind: Kind[Any, Any], loan_id: str, currency: str, eligibility: Eligibility,
                  language: str) -> list[Reply]:
    """bot/arrangements/negotiation.py's `offer_replies` for one loan."""
    details = shown(eligibility.details, currency, language)
    if eligibility.ok:
        return [Reply(kind.offer_response, {"loan_id": loan_id, **details})]
    then = "utter_handover_ineligible" if eligibility.reason in PERSON_MAY_ALLOW else "utter_offer_human"
    return [Reply(names.not_eligible(eligibility.reason or "nothing_owed"), {"loan_id": loan_id, **details}),
            Reply(then)]


def idempotency_key(conversation_id: str, loan_id: str, kind: Kind[Any, Any], terms_json: Any) -> str:
    """bot/arrangements/negotiation.py's key of a confirmation (tests check they agree)."""
    content = json.dumps([conversation_id, loan_id, kind.name, terms_json], sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:40]


@lru_cache(maxsize=4_096)
def stable_variant(borrower_id: str, stage: str, variants: tuple[Variant, ...]) -> Variant:
    """`variant_for`, drawn once per borrower and stage (a borrower meets a stage once a bill)."""
    return variant_for(borrower_id, stage, variants)


@lru_cache(maxsize=50_000)
def traditional(text: str) -> str:
    return to_traditional(text)


def marker(name: str) -> str:
    """Stands for a value in a wording: characters no text or value has (Unicode private use)."""
    return f"\ue000{name}\ue001"


def preformatted(values: Mapping[str, Any], currency: str, language: str) -> dict[str, Any]:
    """Amounts and dates as `render` would show them (bot/replies/values.py), each formatted once
    for every borrower: babel takes longer than all the rest of a contact."""
    return {key: money_text(value, currency, language) if isinstance(value, Decimal)
            else date_text(value, language) if isinstance(value, date) else value
            for key, value in values.items()}


@lru_cache(maxsize=200_000)
def money_text(amount: Decimal, currency: str, language: str) -> str:
    return format_money(amount, currency, language)


@lru_cache(maxsize=20_000)
def date_text(day: date, language: str) -> str:
    return show_date(day, language)


# --- what borrowers and agents write ---------------------------------------------------------------

LINES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "ask_balance": {"en": ("How much do I owe?", "What's my balance now?", "how much is left to pay",
                           "Can you tell me what I owe on my loan?"),
                    "zh": ("我现在欠多少钱？", "还要还多少？", "帮我查一下欠款", "我的借款还剩多少没还？")},
    "claim_paid": {"en": ("I already paid this", "I paid yesterday, can you check?", "Paid it this morning"),
                   "zh": ("我已经还了", "昨天已经还款了，帮我查一下", "今天早上已经还了")},
    "thank": {"en": ("OK thanks", "Thanks, I'll pay on payday", "Got it, thank you"),
              "zh": ("好的，谢谢", "知道了，发工资就还", "收到，谢谢提醒")},
    "request_deferral": {"en": ("Can I pay later?", "I need a few more weeks",
                                "Can I pay at the end of the month?"),
                         "zh": ("能晚点还吗？", "可以宽限几周吗", "能不能月底再还？")},
    "request_instalment": {"en": ("Can I split it into instalments?", "Can I pay it monthly?",
                                  "I can't pay it all at once"),
                           "zh": ("可以分期还吗？", "能不能按月分期", "我没办法一次还清")},
    "promise_to_pay": {"en": ("I'll pay on Friday", "I can pay next week",
                              "I'll pay when my salary comes in"),
                       "zh": ("我周五还", "下周可以还", "等工资到了我就还")},
    "request_human": {"en": ("I want to talk to a person", "Can I speak to someone?", "real person please"),
                      "zh": ("我要转人工", "可以找个真人吗", "人工客服")},
    "hardship": {"en": ("I lost my job last month", "I'm in hospital and can't work right now",
                        "Business is really bad, I can't pay"),
                 "zh": ("我上个月失业了", "我住院了，暂时没法工作", "生意很差，实在还不上")},
    "complaint": {"en": ("Your messages are too frequent, I want to complain", "This is terrible service"),
                  "zh": ("你们的提醒太频繁了，我要投诉", "服务太差了，我要投诉")},
    "dispute_debt": {"en": ("I never took this loan", "This amount is wrong, I dispute it",
                            "That's not my debt"),
                     "zh": ("我从来没借过这笔钱", "金额不对，我有异议", "这不是我的欠款")},
    "legal_matter": {"en": ("My lawyer will contact you", "I've filed for bankruptcy"),
                     "zh": ("我的律师会联系你们", "我已经申请破产了")},
    "distress": {"en": ("I can't take this anymore", "everything feels hopeless"),
                 "zh": ("我真的撑不下去了", "一切都没有希望了")},
    "stop_contact": {"en": ("STOP", "Stop messaging me"), "zh": ("停止", "别再给我发消息了")},
    "refuse_to_pay": {"en": ("I'm not paying", "I won't pay this"), "zh": ("我不还", "这钱我不会还的")},
    "gibberish": {"en": ("???", "hmm the thing"), "zh": ("？？？", "那个东西呢")},
}

AGENT_OPENING = {"en": "Hi {name}, this is {agent} from the repayments team. {line}",
                 "zh": "{name}您好，我是还款团队的{agent}。{line}"}
AGENT_LINES = {
    "en": {"hardship": "I'm sorry things are hard at the moment. Let's find a way to pay that fits you.",
           "dispute": "Thank you for telling us. Collection is on hold while I check the loan's records.",
           "complaint": "I'm sorry about your experience. I've logged your complaint and will follow it up.",
           "distress": "Please don't worry about the loan right now. Is there someone you can be with today?",
           "stop_contact": "We won't send you reminders any more. You can write to us here whenever "
                           "you like.",
           "legal": "I've noted this and passed it to our specialist team.",
           "": "I've read your messages and I'm here to help. What would work best for you?"},
    "zh": {"hardship": "很抱歉您现在遇到困难，我们一起看看适合您的还款方式。",
           "dispute": "谢谢告知。核实期间暂停催收，我会查看这笔借款的记录。",
           "complaint": "很抱歉给您带来不好的体验，您的投诉我已记录，会跟进处理。",
           "distress": "借款的事先不用担心。今天身边有人可以陪着您吗？",
           "stop_contact": "我们不会再给您发提醒了。您随时可以在这里联系我们。",
           "legal": "已记录，我会转给专门的同事跟进。",
           "": "我已经看到您的留言，我来帮您。您看怎样安排比较方便？"},
}
AGENT_ARRANGED = {"en": "I've set this up for you: {terms}.",
                  "zh": "已为您办理好{kind}，详情可以在App里查看。"}
KIND_NAMES_ZH = {"deferral": "延期还款", "instalment_plan": "分期还款", "promise_to_pay": "还款承诺"}


def borrower_line(rng: random.Random, intent: str, language: str) -> str:
    """In Simplified for a Chinese writer (Chat converts for one who writes Traditional)."""
    return rng.choice(LINES.get(intent, LINES["thank"])[language])


def agent_line(rng: random.Random, reason: str, language: str, name: str, agent: str) -> str:
    lines = AGENT_LINES[language]
    return AGENT_OPENING[language].format(name=name, agent=agent, line=lines.get(reason, lines[""]))
