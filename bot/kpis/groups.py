"""Which group each loan and borrower is counted in (CONTRACT §9 `group_by`).

By segment, stage or variant: the first outreach contact sent in the period about the loan
(for a borrower, to them) — first touch, where the strategy's effect starts; loans and
borrowers no contact reached are `not contacted`. By language: the borrower's, as they last
wrote (en, hans, hant), else their profile's. Outreach figures themselves are counted by each
contact's own segment, stage, variant and language.
"""
from __future__ import annotations

from sqlalchemy import case, func, literal, select
from sqlalchemy.sql import ColumnElement, Subquery

from bot.db.models import Borrower, Conversation, Loan, OutreachContact
from bot.kpis.period import Period

GROUP_BYS = ("segment", "stage", "variant", "language")
ALL, NOT_CONTACTED = "all", "not contacted"


class GroupError(ValueError):
    pass


def check_group_by(group_by: str | None) -> str | None:
    if group_by in (None, "", *GROUP_BYS):
        return group_by or None
    raise GroupError(f"group_by is one of {', '.join(GROUP_BYS)}, not {group_by!r}")


def contact_key(group_by: str) -> ColumnElement:
    """A contact's own group."""
    return {"segment": OutreachContact.segment, "stage": OutreachContact.stage,
            "variant": OutreachContact.template, "language": OutreachContact.language}[group_by]


def loan_groups(group_by: str | None, period: Period) -> Subquery:
    """(loan_id, grp) for every loan."""
    if group_by == "language":
        borrowers = borrower_groups(group_by, period)
        return (select(Loan.id.label("loan_id"), borrowers.c.grp)
                .join(borrowers, borrowers.c.borrower_id == Loan.borrower_id).subquery())
    if group_by is None:
        return select(Loan.id.label("loan_id"), literal(ALL).label("grp")).subquery()
    first = _first_touch(OutreachContact.loan_id, group_by, period)
    return (select(Loan.id.label("loan_id"), func.coalesce(first.c.grp, NOT_CONTACTED).label("grp"))
            .outerjoin(first, first.c.owner == Loan.id).subquery())


def borrower_groups(group_by: str | None, period: Period) -> Subquery:
    """(borrower_id, grp) for every borrower."""
    if group_by is None:
        return select(Borrower.id.label("borrower_id"), literal(ALL).label("grp")).subquery()
    if group_by == "language":
        return _languages()
    first = _first_touch(OutreachContact.borrower_id, group_by, period)
    return (select(Borrower.id.label("borrower_id"), func.coalesce(first.c.grp, NOT_CONTACTED).label("grp"))
            .outerjoin(first, first.c.owner == Borrower.id).subquery())


def _first_touch(owner: ColumnElement, group_by: str, period: Period) -> Subquery:
    ranked = (select(owner.label("owner"), contact_key(group_by).label("grp"),
                     func.row_number().over(partition_by=owner,
                                            order_by=(OutreachContact.at, OutreachContact.id)).label("n"))
              .where(OutreachContact.status == "sent", OutreachContact.at >= period.start,
                     OutreachContact.at < period.end).subquery())
    return select(ranked.c.owner, ranked.c.grp).where(ranked.c.n == 1).subquery()


def _languages() -> Subquery:
    ranked = (select(Conversation.borrower_id, Conversation.script,
                     func.row_number().over(partition_by=Conversation.borrower_id,
                                            order_by=(Conversation.updated_at.desc(), Conversation.id.desc()))
                     .label("n"))
              .where(Conversation.script.is_not(None)).subquery())
    latest = select(ranked.c.borrower_id, ranked.c.script).where(ranked.c.n == 1).subquery()
    profile = case((Borrower.language == "zh", "hans"), else_="en")
    return (select(Borrower.id.label("borrower_id"), func.coalesce(latest.c.script, profile).label("grp"))
            .outerjoin(latest, latest.c.borrower_id == Borrower.id).subquery())
