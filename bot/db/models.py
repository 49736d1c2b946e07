"""The loan database schema.

Money columns hold exact decimals with room for any currency's minor unit (the domain
quantises to the currency's own). Timestamps are stored in UTC.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import declarative_base, relationship

from bot.db.types import Money, UTCDateTime

# SQLAlchemy 1.4 has no type hints: to mypy the models are classes of an untyped (Any) base.
Base: Any = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Borrower(Base):
    __tablename__ = "borrowers"

    id = Column(String(64), primary_key=True)  # the wallet's user id
    name = Column(String(200), nullable=False)
    language = Column(String(8), nullable=False, default="en")  # en | zh
    timezone = Column(String(64), nullable=False, default="UTC")
    contact_opt_out_at = Column(UTCDateTime(), nullable=True)
    # Set when the bot should hand the borrower's next chat to a person (e.g. a broken plan:
    # "negotiation_failed"); cleared once a person has taken it.
    needs_agent_reason = Column(String(32), nullable=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)

    loans = relationship("Loan", back_populates="borrower", order_by="Loan.id")


class Loan(Base):
    __tablename__ = "loans"

    id = Column(String(64), primary_key=True)
    borrower_id = Column(String(64), ForeignKey("borrowers.id"), nullable=False, index=True)
    currency = Column(String(3), nullable=False)
    principal = Column(Money(), nullable=False)
    # Set while a dispute is open: no collection activity on this loan.
    collection_hold = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)

    borrower = relationship("Borrower", back_populates="loans")
    bills = relationship(
        "Bill", back_populates="loan", order_by="Bill.due_date", cascade="all, delete-orphan"
    )
    payments = relationship("Payment", back_populates="loan", order_by="Payment.received_at")
    arrangements = relationship(
        "Arrangement", back_populates="loan", order_by="Arrangement.created_at"
    )


class Bill(Base):
    """One instalment of the repayment schedule."""

    __tablename__ = "bills"
    __table_args__ = (
        UniqueConstraint("loan_id", "due_date", name="uq_bills_loan_due"),
        # The bills not paid in full: a few percent of all, which the KPIs start from.
        Index("ix_bills_unpaid", "due_date", postgresql_where=text("principal + interest + late_fee > paid"),
              sqlite_where=text("principal + interest + late_fee > paid")),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    loan_id = Column(String(64), ForeignKey("loans.id"), nullable=False, index=True)
    due_date = Column(Date, nullable=False)
    principal = Column(Money(), nullable=False)
    interest = Column(Money(), nullable=False, default=0)
    late_fee = Column(Money(), nullable=False, default=0)
    # What was paid before the ledger's own payments (a fixture's `paid`); `paid` is that plus
    # every payment allocation to the bill (bot/ledger/), kept so in the payment's transaction.
    opening_paid = Column(Money(), nullable=False, default=0, server_default="0")
    paid = Column(Money(), nullable=False, default=0)

    loan = relationship("Loan", back_populates="bills")


class Payment(Base):
    """A repayment the wallet reported (CONTRACT §7), recorded once: its `payment_id` is the
    wallet's own, unique, so that a repeated report can never count twice."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("payment_id", name="uq_payments_payment_id"),
                      Index("ix_payments_paid_at", "paid_at"),  # KPIs: payments in a period
                      Index("ix_payments_loan_id_paid_at", "loan_id", "paid_at"))  # KPIs: paid after contact

    id = Column(Integer, primary_key=True, autoincrement=True)
    payment_id = Column(String(128), nullable=False)
    borrower_id = Column(String(64), ForeignKey("borrowers.id"), nullable=False, index=True)
    loan_id = Column(String(64), ForeignKey("loans.id"), nullable=False, index=True)
    amount = Column(Money(), nullable=False)
    currency = Column(String(3), nullable=False)
    paid_at = Column(UTCDateTime(), nullable=False)  # when the borrower paid, as the wallet says
    received_at = Column(UTCDateTime(), nullable=False, default=utcnow)  # when it was recorded
    method = Column(String(32), nullable=True)

    loan = relationship("Loan", back_populates="payments")


class PaymentAllocation(Base):
    """Where part of a payment went: a component (late_fee, interest, principal) of a bill, or,
    with no bill, `credit` beyond everything owed. A payment's allocations add up to it."""

    __tablename__ = "payment_allocations"
    # KPIs: what was paid toward each bill since a moment, read from the index alone.
    __table_args__ = (Index("ix_payment_allocations_paid_at", "paid_at",
                            postgresql_include=["bill_id", "amount"]),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    payment_id = Column(String(128), ForeignKey("payments.payment_id"), nullable=False, index=True)
    bill_id = Column(Integer, ForeignKey("bills.id"), nullable=True, index=True)  # None: credit
    component = Column(String(16), nullable=False)  # late_fee | interest | principal | credit
    amount = Column(Money(), nullable=False)
    # The payment's paid_at, as a ledger posting carries its date: the KPIs ask what was paid
    # toward a bill before or after a moment, and joining a million postings to their payments
    # for it was most of a report's time.
    paid_at = Column(UTCDateTime(), nullable=False)


class Arrangement(Base):
    """A deferral, instalment plan or promise to pay agreed with the borrower."""

    __tablename__ = "arrangements"
    # One active arrangement per loan, even for confirmations racing in separate processes.
    __table_args__ = (
        Index(
            "uq_arrangements_one_active_per_loan",
            "loan_id",
            unique=True,
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
        Index("ix_arrangements_created_at", "created_at"),  # KPIs: agreed in a period
    )

    id = Column(String(36), primary_key=True)
    loan_id = Column(String(64), ForeignKey("loans.id"), nullable=False, index=True)
    type = Column(String(32), nullable=False)  # deferral | instalment_plan | promise_to_pay
    status = Column(String(16), nullable=False, default="active")  # active|kept|broken|cancelled
    terms = Column(JSON, nullable=False)
    conversation_id = Column(String(64), nullable=True)
    created_by = Column(String(100), nullable=False)  # "bot" or "agent:<username>"
    idempotency_key = Column(String(128), nullable=True, unique=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)

    loan = relationship("Loan", back_populates="arrangements")


class ArrangementBill(Base):
    """A bill an arrangement covers: one overdue when a deferral or plan was agreed, whose
    unpaid part the arrangement's own schedule replaces while it is active (the bill keeps its
    due date: the original schedule is history, and is restored if it breaks). Its late fee
    then is noted, so that what it gains while the arrangement freezes fees is not owed
    (bot/loans/late_fees.py)."""

    __tablename__ = "arrangement_bills"

    arrangement_id = Column(String(36), ForeignKey("arrangements.id"), primary_key=True)
    bill_id = Column(Integer, ForeignKey("bills.id"), primary_key=True, index=True)
    late_fee_at_start = Column(Money(), nullable=False)
    late_fee_frozen = Column(Boolean, nullable=False)
    # Set when the arrangement ends: the late fee it waived for good (None while it runs).
    late_fee_waived = Column(Money(), nullable=True)


class Conversation(Base):
    """A borrower's chat; its id is the Rasa sender id."""

    __tablename__ = "conversations"

    id = Column(String(64), primary_key=True)
    borrower_id = Column(String(64), ForeignKey("borrowers.id"), nullable=False, index=True)
    status = Column(String(16), nullable=False, default="bot")  # bot | handoff | closed
    script = Column(String(8), nullable=True)  # en | hans | hant: the borrower's latest writing
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


BY_BORROWER, BY_AGENT = "sender = 'borrower'", "sender = 'agent'"


class Message(Base):
    """The transcript as the borrower and agents saw it (the gateway's record)."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_id_id", "conversation_id", "id"),
                      Index("ix_messages_created_at", "created_at"),
                      # KPIs: the conversations borrowers wrote in in a period, from the index alone
                      Index("ix_messages_borrower_created_at", "created_at",
                            postgresql_include=["conversation_id"], postgresql_where=text(BY_BORROWER),
                            sqlite_where=text(BY_BORROWER)),
                      # KPIs: when a person first wrote after a handoff, from a small index
                      Index("ix_messages_agent_conversation_created_at", "conversation_id", "created_at",
                            postgresql_where=text(BY_AGENT), sqlite_where=text(BY_AGENT)))

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id"), nullable=False)
    sender = Column(String(16), nullable=False)  # borrower | bot | agent
    text = Column(Text, nullable=False)
    buttons = Column(JSON, nullable=True)
    agent_username = Column(String(100), nullable=True)
    # Borrower messages only: False until the bot has received them.
    delivered = Column(Boolean, nullable=False, default=True)
    kind = Column(String(16), nullable=True)  # "outreach": the bot wrote first (CONTRACT §8)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)


class Handoff(Base):
    """A conversation a person must take: open → claimed (by one agent) → closed, when the
    agent either releases it to the bot (outcome "released") or ends it ("closed")."""

    __tablename__ = "handoffs"
    __table_args__ = (
        # One handoff a conversation that is not closed: two triggers at once open one case.
        Index("uq_handoffs_one_active_per_conversation", "conversation_id", unique=True,
              postgresql_where=text("status != 'closed'"), sqlite_where=text("status != 'closed'")),
        Index("ix_handoffs_queue", "status", "priority", "created_at"),
        Index("ix_handoffs_created_at", "created_at"),  # KPIs: handoffs of a period
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id"), nullable=False, index=True)
    borrower_id = Column(String(64), ForeignKey("borrowers.id"), nullable=False, index=True)
    reason = Column(String(32), nullable=False)
    priority = Column(Integer, nullable=False)
    status = Column(String(16), nullable=False, default="open")  # open | claimed | closed
    summary = Column(Text, nullable=False, default="")
    claimed_by = Column(String(100), nullable=True)
    claimed_at = Column(UTCDateTime(), nullable=True)
    outcome = Column(String(16), nullable=True)  # released | closed, once closed
    closed_at = Column(UTCDateTime(), nullable=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


class Agent(Base):
    __tablename__ = "agents"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(100), nullable=False, unique=True)
    password_hash = Column(String(200), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    role = Column(String(16), nullable=False, default="agent", server_default="agent")  # bot/auth/roles.py
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)


class AuditEvent(Base):
    """Append-only record of what the bot, borrowers and agents did (regulatory record)."""

    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    actor = Column(String(100), nullable=False)  # bot | borrower:<id> | agent:<name> | system | wallet
    action = Column(String(64), nullable=False)
    borrower_id = Column(String(64), nullable=True, index=True)
    loan_id = Column(String(64), nullable=True)
    conversation_id = Column(String(64), nullable=True)
    details = Column(JSON, nullable=True)


SENT = "status = 'sent'"
CONTACT_GROUPS = ("segment", "stage", "template")  # what KPIs group a contact's outcomes by


class OutreachContact(Base):
    """One message outreach would write (bot/outreach/): one row per borrower, loan, stage and
    day (`key`), so that several schedulers never write it twice. `pending` until delivered
    into the conversation (`sent`, with the message), or `suppressed` with the rule that held
    it back; a temporary rule (quiet hours, a cap) lets a later pass send it after all."""

    __tablename__ = "outreach_contacts"
    __table_args__ = (
        Index("ix_outreach_contacts_borrower_id_at", "borrower_id", "at"),
        Index("ix_outreach_contacts_status", "status"),
        Index("ix_outreach_contacts_at", "at"),  # KPIs: contacts of a period
        # KPIs: the borrowers and loans outreach reached in a period, from the index alone
        Index("ix_outreach_contacts_sent_at", "at", postgresql_include=["borrower_id", "loan_id"],
              postgresql_where=text(SENT), sqlite_where=text(SENT)),
        # KPIs: each loan's and borrower's first contact in a period (first touch), read in
        # order from the index alone rather than sorting the period's contacts
        *(Index(f"ix_outreach_contacts_first_by_{owner}", f"{owner}_id", "at", "id",
                postgresql_include=list(CONTACT_GROUPS), postgresql_where=text(SENT), sqlite_where=text(SENT))
          for owner in ("loan", "borrower")),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    key = Column(String(200), nullable=False, unique=True)  # borrower|loan|stage|day
    borrower_id = Column(String(64), ForeignKey("borrowers.id"), nullable=False)
    loan_id = Column(String(64), ForeignKey("loans.id"), nullable=False, index=True)
    stage = Column(String(32), nullable=False)  # D+7, or an arrangement event: due_today
    day = Column(Date, nullable=False)  # the day the stage or event falls on
    segment = Column(String(32), nullable=False)  # risk/value
    template = Column(String(64), nullable=False)  # stage/variant, e.g. D+7/challenger
    variant = Column(String(32), nullable=False)
    language = Column(String(8), nullable=False)  # en | hans | hant, as written
    status = Column(String(16), nullable=False)  # pending | sent | suppressed
    reason = Column(String(64), nullable=True)  # the rule, when suppressed
    detail = Column(Text, nullable=True)  # the rule's own words
    temporary = Column(Boolean, nullable=False, default=False)  # a later pass may send it
    text = Column(Text, nullable=False)
    buttons = Column(JSON, nullable=True)
    conversation_id = Column(String(64), nullable=True)
    message_id = Column(Integer, nullable=True)  # in the conversation, once sent
    at = Column(UTCDateTime(), nullable=False)  # the pass that decided it (sent or held back)
    # The wallet's push notification (WALLET_PUSH_URL): pending, sent, failed (gave up) or
    # none (no push configured); retried with backoff.
    push_status = Column(String(16), nullable=False, default="none")
    push_attempts = Column(Integer, nullable=False, default=0)
    push_next_at = Column(UTCDateTime(), nullable=True)
    push_error = Column(Text, nullable=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


class ReviewItem(Base):
    """A borrower message for the trainers' review inbox (CONTRACT §10, bot/training/): one the
    model was unsure of, fell back on, or that ended in a handoff. One row per message
    (`message_key` within the conversation), whichever action saw it first and however often.
    `text` is as written: it is masked whenever it is shown (bot/training/masking.py) and goes
    unmasked only into the training data (bot/training/export.py)."""

    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("conversation_id", "message_key", name="uq_review_items_message"),
        Index("ix_review_items_status_created_at", "status", "created_at"),  # the inbox, oldest first
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), nullable=False)  # no foreign key: a chat outside the gateway
    message_key = Column(String(128), nullable=False)  # Rasa's message_id, else the event's time
    borrower_id = Column(String(64), nullable=True)  # whose name to mask
    message_id = Column(Integer, nullable=True)  # the transcript's row (messages.id): the context
    text = Column(Text, nullable=False)
    language = Column(String(8), nullable=False)  # en | zh_hans | zh_hant | mixed
    predicted_intent = Column(String(64), nullable=True)  # the model's best guess
    confidence = Column(Float, nullable=True)
    ranking = Column(JSON, nullable=False)  # [[intent, confidence], ...], likeliest first
    reason = Column(String(16), nullable=False)  # unsure | fallback | handoff
    status = Column(String(16), nullable=False, default="open")  # open | settled
    intent = Column(String(64), nullable=True)  # settled: the intent it is an example of
    discarded = Column(Boolean, nullable=False, default=False)  # settled: not an example at all
    settled_how = Column(String(16), nullable=True)  # intent | correct | out_of_scope | discard
    settled_by = Column(String(100), nullable=True)
    settled_at = Column(UTCDateTime(), nullable=True)
    # Once exported: written (into export_note's file) or skipped (export_note says why).
    export_status = Column(String(16), nullable=True)
    export_note = Column(Text, nullable=True)
    exported_at = Column(UTCDateTime(), nullable=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
