"""A small portfolio whose every KPI for November 2026 is worked out by hand (the figures are
in tests/kpis/test_report.py, each with its arithmetic).

    loan   bill due    owed     paid before Nov   paid in Nov        at Nov 1      at Dec 1
    L-k1   2026-10-22  310 CNY  -                 310 on 11-05       1-30 (10 d)   current: cured
    L-k2   2026-09-25  500 CNY  100 on 10-20      150 on 11-10       31-60 (37 d)  61-90: rolled
    L-k3   2026-08-01  200 USD  -                 -                  90+ (92 d)    90+
    L-k4   2026-11-15  100 CNY  -                 100 on 11-20       not due       current
    L-k5   2026-10-31  1000 CNY -                 - (1000 on 12-03)  1-30 (1 d)    31-60: rolled
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.arrangements.policy import load_policy
from bot.db import Database
from bot.db.models import Arrangement, Borrower, Conversation, Handoff, Message, OutreachContact
from bot.ledger.payments import WalletPayment
from bot.ledger.recording import record_payment
from tests.builders import bill, borrower, load


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}:00+00:00")


BORROWERS = (
    borrower("b-k1", "Kay One").loan("L-k1", "CNY", "300.00", bill(date(2026, 10, 22), "300.00", "10.00")),
    borrower("b-k2", "Kay Two").loan("L-k2", "CNY", "500.00", bill(date(2026, 9, 25), "500.00")),
    borrower("b-k3", "Kay Three").loan("L-k3", "USD", "200.00", bill(date(2026, 8, 1), "200.00")),
    borrower("b-k4", "Kay Four").loan("L-k4", "CNY", "100.00", bill(date(2026, 11, 15), "100.00")),
    borrower("b-k5", "Kay Five", "zh").loan("L-k5", "CNY", "1000.00", bill(date(2026, 10, 31), "1000.00")),
)
PAYMENTS = (("L-k1", "b-k1", "310.00", "CNY", "2026-11-05"), ("L-k2", "b-k2", "100.00", "CNY", "2026-10-20"),
            ("L-k2", "b-k2", "150.00", "CNY", "2026-11-10"), ("L-k4", "b-k4", "100.00", "CNY", "2026-11-20"),
            ("L-k5", "b-k5", "1000.00", "CNY", "2026-12-03"))


def build(database: Database) -> None:
    load(database, *BORROWERS)
    with database.transaction() as session:
        _payments(session)
        _chats(session)
        _outreach(session)
        _arrangements(session)
        session.get(Borrower, "b-k3").contact_opt_out_at = at("2026-10-20")
        session.get(Borrower, "b-k5").contact_opt_out_at = at("2026-11-25")


def _payments(session: Session) -> None:
    book = load_policy()
    for number, (loan, who, amount, currency, day) in enumerate(PAYMENTS, start=1):
        record_payment(session, WalletPayment(f"kp-{number}", who, loan, Decimal(amount), currency, at(day)),
                       book, now=at("2026-12-04"))


def _chats(session: Session) -> None:
    c1, c2, c3, c4, c5 = (_conversation(session, who) for who in ("b-k1", "b-k2", "b-k3", "b-k5", "b-k4"))
    _message(session, c1, "borrower", "how much do I owe", at("2026-11-05"))  # contained
    _message(session, c2, "borrower", "this is unfair", at("2026-11-10", "09:59"))
    _handoff(session, c2, "b-k2", "complaint", at("2026-11-10"), answered=at("2026-11-10", "10:05"))
    _message(session, c3, "borrower", "I lost my job", at("2026-10-15"))  # before the period
    _handoff(session, c3, "b-k3", "hardship", at("2026-10-15"), answered=at("2026-10-15", "11:00"))
    _message(session, c4, "borrower", "我要人工", at("2026-11-20", "11:59"))
    _handoff(session, c4, "b-k5", "human_requested", at("2026-11-20", "12:00"),
             answered=at("2026-11-20", "12:20"))
    _message(session, c5, "bot", "a reminder", at("2026-11-12"), kind="outreach")  # no reply: no chat


def _outreach(session: Session) -> None:
    contact(session, "b-k4", "L-k4", "D-3", "low/low", "champion", "sent", at("2026-11-12"))
    contact(session, "b-k5", "L-k5", "D+1", "low/high", "challenger", "sent", at("2026-11-01"))
    contact(session, "b-k1", "L-k1", "D+7", "low/low", "champion", "sent", at("2026-10-29"))  # before
    contact(session, "b-k2", "L-k2", "D+30", "medium/low", "champion", "suppressed", at("2026-11-02"),
             reason="quiet_hours")
    contact(session, "b-k3", "L-k3", "D+90", "high/low", "champion", "suppressed", at("2026-11-04"),
             reason="opted_out")


def _arrangements(session: Session) -> None:
    for loan, kind, status, made in (("L-k1", "promise_to_pay", "kept", "2026-11-04"),
                                     ("L-k2", "promise_to_pay", "broken", "2026-11-10"),
                                     ("L-k5", "instalment_plan", "active", "2026-11-20"),
                                     ("L-k3", "deferral", "cancelled", "2026-10-10")):
        session.add(Arrangement(id=str(uuid.uuid4()), loan_id=loan, type=kind, status=status, terms={},
                                created_by="bot", created_at=at(made)))


def _conversation(session: Session, borrower_id: str) -> str:
    conversation = Conversation(id=uuid.uuid4().hex, borrower_id=borrower_id, status="bot",
                                created_at=at("2026-10-01"), updated_at=at("2026-10-01"))
    session.add(conversation)
    session.flush()
    return str(conversation.id)


def _message(session: Session, conversation_id: str, sender: str, text: str, when: datetime,
             kind: str | None = None) -> None:
    session.add(Message(conversation_id=conversation_id, sender=sender, text=text, kind=kind,
                        created_at=when))


def _handoff(session: Session, conversation_id: str, borrower_id: str, reason: str, opened: datetime,
             answered: datetime) -> None:
    session.add(Handoff(conversation_id=conversation_id, borrower_id=borrower_id, reason=reason, priority=3,
                        status="closed", created_at=opened, closed_at=answered, outcome="closed"))
    session.add(Message(conversation_id=conversation_id, sender="agent", text="Hello, I'm here to help.",
                        agent_username="mei.lin", created_at=answered))
    session.flush()


def contact(session: Session, borrower_id: str, loan_id: str, stage: str, segment: str, variant: str,
             status: str, when: datetime, reason: str | None = None) -> None:
    session.add(OutreachContact(
        key=f"{borrower_id}|{loan_id}|{stage}|{when.date()}", borrower_id=borrower_id, loan_id=loan_id,
        stage=stage, day=when.date(), segment=segment, template=f"{stage}/{variant}", variant=variant,
        language="en", status=status, reason=reason, temporary=reason == "quiet_hours", text="…",
        at=when.astimezone(timezone.utc)))
