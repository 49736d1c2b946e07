"""One outreach pass as of a moment: settle the arrangements due a judgment, read every
candidate loan's facts, decide each loan's contact (planner, segment, variant, the words, the
compliance engine), record the decisions in the outbox and deliver what may be sent.

The decisions are made in one read, then written; delivery goes in batches, each its own
transaction, so that a pass over many borrowers never holds a long lock, and another pass
running at the same time (another gateway) neither waits for it nor writes anything twice.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.arrangements.policy import PolicyBook
from bot.arrangements.review import review_arrangement
from bot.clock import today_in
from bot.db import Database
from bot.db.models import Arrangement
from bot.outreach import outbox
from bot.outreach.compliance import Contact, decide
from bot.outreach.facts import LoanFacts
from bot.outreach.outbox import PENDING, SUPPRESSED, Delivered, Known
from bot.outreach.planner import Planned, plan
from bot.outreach.reading import Window, read_facts
from bot.outreach.segments import Segment, segment_of
from bot.outreach.strategy import Strategy
from bot.outreach.templates import render
from bot.outreach.variants import variant_for


@dataclass(frozen=True)
class Decided:
    """One loan's contact as this pass decided it (an outbox row's columns)."""

    key: str
    row: dict[str, Any]

    @property
    def sent(self) -> bool:
        return self.row["status"] == PENDING


@dataclass
class PassReport:
    at: datetime
    loans_read: int = 0
    decided: list[Decided] = field(default_factory=list)
    delivered: list[Delivered] = field(default_factory=list)
    already: int = 0  # contacts an earlier pass settled for good

    def reasons(self) -> Counter[str]:
        return Counter(d.row["reason"] for d in self.decided if not d.sent)


def run_pass(database: Database, strategy: Strategy, book: PolicyBook, at: datetime) -> PassReport:
    report = PassReport(at)
    with database.transaction() as session:
        _settle_arrangements(session, book, at)
    with database.transaction() as session:
        facts = read_facts(session, Window(at, _offsets(strategy), strategy.catch_up_days))
        report.loans_read = len(facts)
        planned = [(f, s, p) for f in facts for s in [segment_of(f, strategy)]
                   for p in [plan(f, s, strategy)] if p is not None]
        earlier = outbox.known(session, [p.key(f) for f, _, p in planned])
    decided = _decide_all(planned, earlier, strategy, at)
    report.already = sum(1 for f, _, p in planned if _settled(earlier.get(p.key(f))))
    with database.transaction() as session:
        outbox.record(session, [d.row for d in decided if d.key not in earlier])
        for d in decided:
            if d.key in earlier:
                outbox.retry(session, d.key, d.row)
    report.decided = decided
    report.delivered = deliver_pending(database, at)
    return report


def deliver_pending(database: Database, at: datetime) -> list[Delivered]:
    """Every pending contact, this pass's and any an interrupted one left, batch by batch."""
    delivered: list[Delivered] = []
    while True:
        with database.transaction() as session:
            ids = outbox.pending_ids(session)
            batch = outbox.deliver(session, ids, at) if ids else []
        delivered += batch
        if not batch:  # none left, or all held by another process (it delivers them)
            return delivered


def _settle_arrangements(session: Session, book: PolicyBook, at: datetime) -> None:
    # Kept or broken as of the pass's moment, so that a missed or broken one is written about.
    active = session.execute(select(Arrangement).where(Arrangement.status == "active")
                             .order_by(Arrangement.created_at).with_for_update()).scalars().all()
    for arrangement in active:
        review_arrangement(session, arrangement, book, today_in(arrangement.loan.borrower.timezone, at))


def _offsets(strategy: Strategy) -> frozenset[int]:
    return frozenset(stage.offset for stages in strategy.plans.values() for stage in stages)


def _settled(known: Known | None) -> bool:
    return known is not None and (known.status != SUPPRESSED or not known.temporary)


def _decide_all(planned: Iterable[tuple[LoanFacts, Segment, Planned]], earlier: dict[str, Known],
                strategy: Strategy, at: datetime) -> list[Decided]:
    """Borrower by borrower: a contact decided in this pass counts toward the caps (and the
    first contact) of the borrower's next loan."""
    decided: list[Decided] = []
    sent_to: Counter[str] = Counter()
    for facts, segment, planned_contact in planned:
        if _settled(earlier.get(planned_contact.key(facts))):
            continue
        facts = _with_this_pass(facts, sent_to[facts.borrower_id])
        one = _decide(facts, segment, planned_contact, strategy, at)
        if one.sent:
            sent_to[facts.borrower_id] += 1
        decided.append(one)
    return decided


def _with_this_pass(facts: LoanFacts, sent_now: int) -> LoanFacts:
    if not sent_now:
        return facts
    counts = replace(facts.counts, borrower_today=facts.counts.borrower_today + sent_now,
                     ever=facts.counts.ever + sent_now)
    return replace(facts, counts=counts)


def _decide(facts: LoanFacts, segment: Segment, planned: Planned, strategy: Strategy,
            at: datetime) -> Decided:
    variant = variant_for(facts.borrower_id, planned.stage, planned.message.variants)
    first = facts.counts.ever == 0
    words = render(strategy, variant, facts=facts, segment=segment, values=planned.values, first=first)
    contact = Contact(planned.purpose, planned.arrangement_type, facts.borrower_id, first, words.discloses)
    decision = decide(facts, contact, strategy.rules_for(facts.currency, facts.timezone))
    key = planned.key(facts)
    row: dict[str, Any] = {
        "key": key, "borrower_id": facts.borrower_id, "loan_id": facts.loan_id,
        "stage": planned.stage, "day": planned.day, "segment": segment.name,
        "template": f"{planned.stage}/{variant.name}", "variant": variant.name,
        "language": _written_in(facts),
        "status": PENDING if decision.allowed else SUPPRESSED, "reason": decision.rule,
        "detail": decision.detail or None, "temporary": decision.temporary,
        "text": words.text, "buttons": words.buttons, "at": at,
        "push_status": "none", "push_attempts": 0,
    }
    return Decided(key, row)


def _written_in(facts: LoanFacts) -> str:
    if facts.reply_language == "en":
        return "en"
    return "hant" if facts.traditional else "hans"
