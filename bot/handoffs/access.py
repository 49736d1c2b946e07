"""Which borrowers' accounts an agent may see and act on (CONTRACT §5), beyond what their role
allows at all (bot/auth/roles.py).

An agent works cases, not lists of borrowers: they may read a borrower's account only while the
borrower has an active (open or claimed) handoff, and a supervisor may read any. Recording an
arrangement takes more, from supervisors too: having claimed an active handoff of that
borrower, so that every arrangement is agreed in a conversation someone has taken on.
"""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.auth.identity import AgentIdentity
from bot.auth.roles import Permission
from bot.db.models import Handoff

ACTIVE = ("open", "claimed")


class AccessRefused(Exception):
    """The message says what the agent would need."""


def check_may_read_account(session: Session, agent: AgentIdentity, borrower_id: str) -> None:
    if agent.may(Permission.READ_ANY_BORROWER):
        return
    if not _has_handoff(session, Handoff.borrower_id == borrower_id, Handoff.status.in_(ACTIVE)):
        raise AccessRefused("a borrower's account can be read only while they have an open or "
                            "claimed handoff")


def check_may_arrange(session: Session, agent: AgentIdentity, borrower_id: str) -> None:
    """Call it in the transaction that records the arrangement: the handoff row stays locked
    (FOR UPDATE on PostgreSQL; SQLite has one writer) so it cannot be released meanwhile."""
    claimed = session.execute(
        select(Handoff.id).where(Handoff.borrower_id == borrower_id, Handoff.status == "claimed",
                                 Handoff.claimed_by == agent.username)
        .limit(1).with_for_update()
    ).scalar_one_or_none()
    if claimed is None:
        raise AccessRefused("an arrangement can be recorded only on a handoff of this borrower "
                            "that you have claimed")


def _has_handoff(session: Session, *conditions: ColumnElement) -> bool:
    return session.execute(select(exists().where(*conditions))).scalar()
