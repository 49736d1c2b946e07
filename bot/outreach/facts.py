"""What a pass knows about one loan as of a moment: typed values, read from the database in
bulk by `read_facts` (bot/outreach/reading.py), judged by the segments, the planner and the
compliance engine without a database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bot.loans.balance import LoanBalance

# Why collection is on hold for a borrower or loan (compliance: nothing but what the hold allows).
STOP_CONTACT = "stop_contact"  # the borrower opted out
DISPUTE = "dispute"  # the debt is disputed (the loan's collection hold)
HARDSHIP = "hardship"  # an open hardship case
DISTRESS = "distress"  # an open distress case
LEGAL = "legal"  # a lawyer, a court, bankruptcy
HANDOFF = "handoff"  # a person has the conversation (any open or claimed handoff)
DEFERRAL = "deferral"  # a deferral is running
PROMISE = "promise"  # a promise to pay, until its date
HOLDS = (STOP_CONTACT, DISPUTE, HARDSHIP, DISTRESS, LEGAL, HANDOFF, DEFERRAL, PROMISE)


@dataclass(frozen=True)
class History:
    """How the borrower has repaid this loan, for the risk segment."""

    broken_arrangements: int  # broken deferrals, plans and promises, ever
    bills_paid_late: int  # bills fully paid, but after their due date (or still unpaid and due)
    bills_paid_on_time: int


@dataclass(frozen=True)
class ContactCounts:
    """Contacts already sent (not suppressed), for the frequency caps."""

    loan_today: int  # to this loan, on the borrower's local today
    loan_last_7_days: int  # to this loan, in the 7 local days ending today (today included)
    borrower_today: int  # to the borrower, any loan, on the local today
    ever: int  # to the borrower, ever: 0 means the next one is the first contact


@dataclass(frozen=True)
class Due:
    """An arrangement's payment: an instalment, a promise's amount, a deferral's new date."""

    arrangement_id: str
    type: str  # deferral | instalment_plan | promise_to_pay
    number: int  # 1-based: the instalment's number (1 for a deferral or a promise)
    of: int  # how many the arrangement has
    due_date: date
    amount: Decimal
    left: Decimal  # what is still unpaid of it


@dataclass(frozen=True)
class LoanFacts:
    borrower_id: str
    name: str
    language: str  # en | zh: the profile's, used before the borrower writes
    script: str | None  # en | hans | hant: how the borrower last wrote, when they have
    timezone: str
    now: datetime  # the pass's moment, in the borrower's zone
    balance: LoanBalance  # as of the borrower's local today (bot/loans/balance.py)
    history: History
    counts: ContactCounts
    holds: frozenset[str]  # of HOLDS
    dues: tuple[Due, ...] = ()  # the active arrangement's, in date order
    broken_since: date | None = None  # the loan's latest broken arrangement, when it broke

    @property
    def loan_id(self) -> str:
        return self.balance.loan_id

    @property
    def currency(self) -> str:
        return self.balance.currency

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def reply_language(self) -> str:
        """en or zh: the borrower's own writing first, else the profile."""
        if self.script in ("hans", "hant"):
            return "zh"
        return self.script or self.language

    @property
    def traditional(self) -> bool:
        return self.script == "hant"
