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

from sqlalchemy import and_, case, func, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from bot.db.models import Borrower, Conversation, Handoff, Message, OutreachContact
from bot.kpis.groups import IN_GROUP, Membership
from bot.kpis.period import Period
from bot.kpis.tally import added


@dataclass(frozen=True)
class Answering:
    """How long borrowers handed to a person waited for the person's first message."""

    waits: tuple[float, ...] = ()  # seconds, of those answered, in order
    unanswered: int = 0

    @property
    def answered(self) -> int:
        return len(self.waits)

    @property
    def median_seconds(self) -> float | None:
        return _quantile(self.waits, 0.5)

    @property
    def p90_seconds(self) -> float | None:
        return _quantile(self.waits, 0.9)

    def plus(self, other: Answering) -> Answering:
        """Both groups' waits (kept, not their quantiles, which do not add up)."""
        return Answering(tuple(sorted(self.waits + other.waits)), self.unanswered + other.unanswered)


@dataclass(frozen=True)
class Chats:
    conversations: int = 0
    contained: int = 0
    handoffs: dict[str, int] = field(default_factory=dict)  # by reason
    first_answer: Answering = field(default_factory=Answering)
    reached: int = 0
    complained: int = 0
    opted_out: int = 0

    def plus(self, other: Chats) -> Chats:
        return Chats(self.conversations + other.conversations, self.contained + other.contained,
                     added(self.handoffs, other.handoffs), self.first_answer.plus(other.first_answer),
                     self.reached + other.reached,
                     self.complained + other.complained, self.opted_out + other.opted_out)


def chats_by_group(session: Session, period: Period, borrowers: Membership) -> dict[str, Chats]:
    conversations = _conversations(session, period, borrowers)
    handoffs = _handoffs(session, period, borrowers)
    answering = answering_by_group(session, period, borrowers)
    reached = _reached(session, period, borrowers)
    groups = set(conversations) | set(handoffs) | set(reached)
    return {group: Chats(*conversations.get(group, (0, 0)), dict(handoffs.get(group, {})),
                         answering.get(group, Answering()), *reached.get(group, (0, 0, 0)))
            for group in groups}


def _conversations(session: Session, period: Period, borrowers: Membership) -> dict[str, tuple[int, int]]:
    wrote = (select(Message.conversation_id).where(
        Message.sender == "borrower", Message.created_at >= period.start, Message.created_at < period.end)
        .distinct().subquery())
    # The conversations handed over by the end, once each: joined, not asked of each conversation
    handed = (select(Handoff.conversation_id).where(Handoff.created_at < period.end).distinct().subquery())
    rows = session.execute(
        borrowers.joined(
            select(borrowers.group(), func.count(),
                   func.sum(case((handed.c.conversation_id.is_(None), 1), else_=0)))
            .select_from(wrote).join(Conversation, Conversation.id == wrote.c.conversation_id)
            .outerjoin(handed, handed.c.conversation_id == wrote.c.conversation_id),
            Conversation.borrower_id)
        .group_by(IN_GROUP)).all()
    return {group: (count, int(contained or 0)) for group, count, contained in rows}


def _handoffs(session: Session, period: Period, borrowers: Membership) -> dict[str, Counter[str]]:
    rows = session.execute(
        borrowers.joined(select(borrowers.group(), Handoff.reason, func.count()), Handoff.borrower_id)
        .where(Handoff.created_at >= period.start, Handoff.created_at < period.end)
        .group_by(IN_GROUP, Handoff.reason)).all()
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for group, reason, count in rows:
        found[group][reason] = count
    return found


def answering_by_group(session: Session, period: Period, borrowers: Membership) -> dict[str, Answering]:
    first = (select(func.min(Message.created_at)).where(
        Message.conversation_id == Handoff.conversation_id, Message.sender == "agent",
        Message.created_at >= Handoff.created_at).scalar_subquery())
    rows = session.execute(
        borrowers.joined(select(borrowers.group(), Handoff.created_at, first), Handoff.borrower_id)
        .where(Handoff.created_at >= period.start, Handoff.created_at < period.end)).all()
    waits: dict[str, list[float]] = defaultdict(list)
    unanswered: Counter[str] = Counter()
    for group, opened, answered in rows:
        if answered is None:
            unanswered[group] += 1
        else:
            waits[group].append((answered - opened).total_seconds())
    return {group: Answering(tuple(sorted(waits[group])), unanswered[group])
            for group in set(waits) | set(unanswered)}


def _reached(session: Session, period: Period, borrowers: Membership) -> dict[str, tuple[int, int, int]]:
    """Per group: the borrowers reached, and of them those who complained and who opted out."""
    reached = _reached_ids(period)
    complained = (select(Handoff.borrower_id).where(
        Handoff.reason == "complaint", Handoff.created_at >= period.start, Handoff.created_at < period.end)
        .distinct().subquery())
    did_complain = complained.c.borrower_id.is_not(None)
    opted = and_(Borrower.contact_opt_out_at >= period.start, Borrower.contact_opt_out_at < period.end)
    rows = session.execute(
        borrowers.joined(
            select(borrowers.group(), func.count(), func.sum(case((did_complain, 1), else_=0)),
                   func.sum(case((opted, 1), else_=0)))
            .select_from(reached).join(Borrower, Borrower.id == reached.c.borrower_id)
            .outerjoin(complained, complained.c.borrower_id == reached.c.borrower_id),
            reached.c.borrower_id)
        .group_by(IN_GROUP)).all()
    return {group: (count, int(complaints or 0), int(opted_out or 0))
            for group, count, complaints, opted_out in rows}


def _reached_ids(period: Period) -> Subquery:
    """The borrowers outreach wrote to or who wrote in the period, each once."""
    # Each side made distinct first: far fewer rows for the union to tell apart
    contacted = select(OutreachContact.borrower_id.label("borrower_id")).where(
        OutreachContact.status == "sent", OutreachContact.at >= period.start, OutreachContact.at < period.end
    ).distinct()
    wrote = (select(Conversation.borrower_id.label("borrower_id"))
             .join(Message, Message.conversation_id == Conversation.id)
             .where(Message.sender == "borrower", Message.created_at >= period.start,
                    Message.created_at < period.end).distinct())
    return union(contacted, wrote).subquery()


def _quantile(ordered: tuple[float, ...], q: float) -> float | None:
    """The q-quantile of sorted values by the nearest-rank method (a wait some borrower had)."""
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * q // 1))  # ceil(n * q), at least 1
    return ordered[int(rank) - 1]
