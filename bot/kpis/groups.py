"""Which group each loan and borrower is counted in (CONTRACT §9 `group_by`).

By segment, stage or variant: the first outreach contact sent in the period about the loan
(for a borrower, to them) — first touch, where the strategy's effect starts; loans and
borrowers no contact reached are `not contacted`. By language: the borrower's, as they last
wrote (en, hans, hant), else their profile's. Outreach figures themselves are counted by each
contact's own segment, stage, variant and language.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Column, MetaData, String, Table, case, func, insert, literal, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select, Subquery

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


@dataclass(frozen=True)
class Grouping:
    """Which group each loan and each borrower of a report is counted in."""

    loans: Subquery  # (loan_id, grp) for every loan
    borrowers: Subquery  # (borrower_id, grp) for every borrower


@contextmanager
def grouping(session: Session, group_by: str | None, period: Period) -> Iterator[Grouping]:
    """The report's grouping, what it is worked out from (first touches, last scripts) kept in
    temporary tables for the report's length: every figure joins it, and working it out again
    for each — a window over the period's contacts — was most of a grouped report's time."""
    if group_by is None:
        yield Grouping(select(Loan.id.label("loan_id"), literal(ALL).label("grp")).subquery(),
                       select(Borrower.id.label("borrower_id"), literal(ALL).label("grp")).subquery())
    elif group_by == "language":
        with _kept(session, _latest_scripts()) as scripts:
            profile = case((Borrower.language == "zh", "hans"), else_="en")
            script = func.coalesce(scripts.c.grp, profile).label("grp")
            borrowers = (select(Borrower.id.label("borrower_id"), script)
                         .outerjoin(scripts, scripts.c.owner == Borrower.id).subquery())
            loans = (select(Loan.id.label("loan_id"), borrowers.c.grp)
                     .join(borrowers, borrowers.c.borrower_id == Loan.borrower_id).subquery())
            yield Grouping(loans, borrowers)
    else:
        with _kept(session, _first_touch(OutreachContact.loan_id, group_by, period)) as by_loan, \
                _kept(session, _first_touch(OutreachContact.borrower_id, group_by, period)) as by_borrower:
            yield Grouping(_or_not_contacted(Loan.id, "loan_id", by_loan),
                           _or_not_contacted(Borrower.id, "borrower_id", by_borrower))


def _or_not_contacted(key: ColumnElement, name: str, touched: Table) -> Subquery:
    return (select(key.label(name), func.coalesce(touched.c.grp, NOT_CONTACTED).label("grp"))
            .outerjoin(touched, touched.c.owner == key).subquery())


@contextmanager
def _kept(session: Session, owners: Select) -> Iterator[Table]:
    """(owner, grp) rows in a temporary table of their own (its name unique: a report left
    unfinished on a connection leaves no name taken), dropped when the report is done."""
    table = Table(f"kpi_groups_{uuid.uuid4().hex[:12]}", MetaData(),
                  Column("owner", String(64), primary_key=True), Column("grp", String(100)),
                  prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
    connection = session.connection()
    table.create(connection)
    connection.execute(insert(table).from_select(["owner", "grp"], owners))
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"ANALYZE {table.name}"))  # the planner's estimates of its size
    try:
        yield table
    finally:
        table.drop(connection, checkfirst=True)


def _first_touch(owner: ColumnElement, group_by: str, period: Period) -> Select:
    """(owner, grp): each loan's or borrower's first contact sent in the period."""
    ranked = (select(owner.label("owner"), contact_key(group_by).label("grp"),
                     func.row_number().over(partition_by=owner,
                                            order_by=(OutreachContact.at, OutreachContact.id)).label("n"))
              .where(OutreachContact.status == "sent", OutreachContact.at >= period.start,
                     OutreachContact.at < period.end).subquery())
    return select(ranked.c.owner, ranked.c.grp).where(ranked.c.n == 1)


def _latest_scripts() -> Select:
    """(owner, grp): each borrower's script in the conversation they last wrote in."""
    ranked = (select(Conversation.borrower_id, Conversation.script,
                     func.row_number().over(partition_by=Conversation.borrower_id,
                                            order_by=(Conversation.updated_at.desc(), Conversation.id.desc()))
                     .label("n"))
              .where(Conversation.script.is_not(None)).subquery())
    return select(ranked.c.borrower_id, ranked.c.script).where(ranked.c.n == 1)
