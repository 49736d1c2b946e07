"""Conversations, handoffs and the borrowers reached, over the period.

- conversations: those in which the borrower wrote in the period; `contained`: of them, those
  no person was asked to take (no handoff opened on them by the period's end);
- handoffs: opened in the period, by reason; `first_answer`: for those, the time from the
  handoff to the first message a person wrote in the conversation after it;
- reached: borrowers written to by outreach or writing in the period; complaint_rate and
  opt_out_rate: of those reached, the share with a complaint handoff, and the share who
  opted out, in the period.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, distinct, exists, func, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from bot.db.models import Borrower, Conversation, Handoff, Message, OutreachContact
from bot.kpis.period import Period


@dataclass(frozen=True)
class Answering:
    """How long borrowers handed to a person waited for the person's first message."""

    answered: int = 0
    unanswered: int = 0
    median_seconds: float | None = None
    p90_seconds: float | None = None


@dataclass(frozen=True)
class Chats:
    conversations: int = 0
    contained: int = 0
    handoffs: dict[str, int] = field(default_factory=dict)  # by reason
    first_answer: Answering = field(default_factory=Answering)
    reached: int = 0
    complained: int = 0
    opted_out: int = 0


def chats_by_group(session: Session, period: Period, borrowers: Subquery) -> dict[str, Chats]:
    conversations = _conversations(session, period, borrowers)
    handoffs = _handoffs(session, period, borrowers)
    answering = _answering(session, period, borrowers)
    reached = _reached(session, period, borrowers)
    complained = _complained(session, period, borrowers)
    opted_out = _opted_out(session, period, borrowers)
    groups = set(conversations) | set(handoffs) | set(reached) | set(opted_out)
    return {group: Chats(*conversations.get(group, (0, 0)), handoffs=dict(handoffs.get(group, {})),
                         first_answer=answering.get(group, Answering()), reached=reached.get(group, 0),
                         complained=complained.get(group, 0), opted_out=opted_out.get(group, 0))
            for group in groups}


def _conversations(session: Session, period: Period, borrowers: Subquery) -> dict[str, tuple[int, int]]:
    wrote = (select(Message.conversation_id).where(
        Message.sender == "borrower", Message.created_at >= period.start, Message.created_at < period.end)
        .distinct().subquery())
    handed = exists().where(Handoff.conversation_id == Conversation.id, Handoff.created_at < period.end)
    rows = session.execute(
        select(borrowers.c.grp, func.count(), func.sum(case((handed, 0), else_=1)))
        .select_from(wrote).join(Conversation, Conversation.id == wrote.c.conversation_id)
        .join(borrowers, borrowers.c.borrower_id == Conversation.borrower_id)
        .group_by(borrowers.c.grp)).all()
    return {group: (count, int(contained or 0)) for group, count, contained in rows}


def _handoffs(session: Session, period: Period, borrowers: Subquery) -> dict[str, Counter[str]]:
    rows = session.execute(
        select(borrowers.c.grp, Handoff.reason, func.count())
        .join(borrowers, borrowers.c.borrower_id == Handoff.borrower_id)
        .where(Handoff.created_at >= period.start, Handoff.created_at < period.end)
        .group_by(borrowers.c.grp, Handoff.reason)).all()
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for group, reason, count in rows:
        found[group][reason] = count
    return found


def _answering(session: Session, period: Period, borrowers: Subquery) -> dict[str, Answering]:
    first = (select(func.min(Message.created_at)).where(
        Message.conversation_id == Handoff.conversation_id, Message.sender == "agent",
        Message.created_at >= Handoff.created_at).scalar_subquery())
    rows = session.execute(
        select(borrowers.c.grp, Handoff.created_at, first)
        .join(borrowers, borrowers.c.borrower_id == Handoff.borrower_id)
        .where(Handoff.created_at >= period.start, Handoff.created_at < period.end)).all()
    waits: dict[str, list[float]] = defaultdict(list)
    unanswered: Counter[str] = Counter()
    for group, opened, answered in rows:
        if answered is None:
            unanswered[group] += 1
        else:
            waits[group].append((answered - opened).total_seconds())
    return {group: Answering(len(waits[group]), unanswered[group], _quantile(waits[group], 0.5),
                             _quantile(waits[group], 0.9))
            for group in set(waits) | set(unanswered)}


def _reached(session: Session, period: Period, borrowers: Subquery) -> dict[str, int]:
    return _count_borrowers(session, _reached_ids(period), borrowers)


def _reached_ids(period: Period) -> Subquery:
    contacted = select(OutreachContact.borrower_id.label("borrower_id")).where(
        OutreachContact.status == "sent", OutreachContact.at >= period.start, OutreachContact.at < period.end)
    wrote = (select(Conversation.borrower_id.label("borrower_id"))
             .join(Message, Message.conversation_id == Conversation.id)
             .where(Message.sender == "borrower", Message.created_at >= period.start,
                    Message.created_at < period.end))
    return union(contacted, wrote).subquery()


def _complained(session: Session, period: Period, borrowers: Subquery) -> dict[str, int]:
    reached = _reached_ids(period)
    complaints = select(Handoff.borrower_id.label("borrower_id")).where(
        Handoff.reason == "complaint", Handoff.created_at >= period.start, Handoff.created_at < period.end,
        Handoff.borrower_id.in_(select(reached.c.borrower_id))).subquery()
    return _count_borrowers(session, complaints, borrowers)


def _opted_out(session: Session, period: Period, borrowers: Subquery) -> dict[str, int]:
    reached = _reached_ids(period)
    opted = select(Borrower.id.label("borrower_id")).where(
        Borrower.contact_opt_out_at >= period.start, Borrower.contact_opt_out_at < period.end,
        Borrower.id.in_(select(reached.c.borrower_id))).subquery()
    return _count_borrowers(session, opted, borrowers)


def _count_borrowers(session: Session, ids: Subquery, borrowers: Subquery) -> dict[str, int]:
    rows = session.execute(
        select(borrowers.c.grp, func.count(distinct(ids.c.borrower_id)))
        .select_from(ids).join(borrowers, borrowers.c.borrower_id == ids.c.borrower_id)
        .group_by(borrowers.c.grp)).all()
    return dict(rows)


def _quantile(values: list[float], q: float) -> float | None:
    """The q-quantile by the nearest-rank method (a wait that some borrower actually had)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 1))  # ceil(n * q), at least 1
    return ordered[int(rank) - 1]
