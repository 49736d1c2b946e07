"""What the agent view shows of outreach (CONTRACT §8): each loan's segment as a pass would
place it now, and the borrower's contacts, sent or held back with the rule that held them."""
from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import isoformat, zone
from bot.db.models import OutreachContact
from bot.outreach.reading import facts_of
from bot.outreach.segments import segment_of
from bot.outreach.strategy import Strategy

SHOWN = 200  # the newest contacts; older ones stay in the database


def segments_of(session: Session, loan_ids: Collection[str], strategy: Strategy,
                today: date, timezone: str) -> dict[str, dict[str, Any]]:
    """As of the borrower's `today` (the day the rest of the view is as of)."""
    found = {}
    at = datetime.combine(today, time(12), tzinfo=zone(timezone))
    for facts in facts_of(session, loan_ids, at):
        segment = segment_of(facts, strategy)
        found[facts.loan_id] = {"name": segment.name, "risk": segment.risk, "value": segment.value,
                                "plan": segment.plan, "first_offer": segment.first_offer}
    return found


def contacts_of(session: Session, borrower_id: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(OutreachContact).where(OutreachContact.borrower_id == borrower_id)
        .order_by(OutreachContact.at.desc(), OutreachContact.id.desc()).limit(SHOWN)).scalars()
    return [{
        "at": isoformat(row.at), "stage": row.stage, "template": row.template,
        "status": row.status,  # sent | suppressed | pending (being delivered)
        "reason": row.reason, "detail": row.detail, "loan_id": row.loan_id, "day": isoformat(row.day),
        "segment": row.segment, "variant": row.variant, "language": row.language, "text": row.text,
        "push": row.push_status,
    } for row in rows]
