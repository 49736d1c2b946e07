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

from sqlalchemy import (
    Column,
    MetaData,
    String,
    Table,
    case,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, FromClause, Select

from bot.db.models import Borrower, Conversation, Loan, OutreachContact
from bot.kpis.period import Period

GROUP_BYS = ("segment", "stage", "variant", "language")
ALL, NOT_CONTACTED = "all", "not contacted"
# A figure's rows are grouped by the group's output column by name (a constant group, when
# there is no grouping, cannot be written in GROUP BY itself); a name no table has.
GROUP_COLUMN = "report_group"
IN_GROUP = literal_column(GROUP_COLUMN)


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
class Membership:
    """Which group each loan (or each borrower) is in, joined onto a figure's query by its key.

    `table` holds (owner, grp) rows; owners it does not list are in `default` (None: it lists
    every owner). With no table, everyone is in `default`, and nothing is joined: a report
    without a grouping reads only the facts it counts."""

    table: FromClause | None
    default: str | None = None

    def group(self) -> ColumnElement:
        """The row's group, as a column named so that GROUP BY can name it (IN_GROUP)."""
        if self.table is None:
            return literal(self.default).label(GROUP_COLUMN)
        grp = self.table.c.grp if self.default is None else func.coalesce(self.table.c.grp, self.default)
        return grp.label(GROUP_COLUMN)

    def joined(self, query: Select, key: ColumnElement) -> Select:
        """The query with each row's group (`group()`) joined by its owner's `key`."""
        if self.table is None:
            return query
        on = self.table.c.owner == key
        return query.join(self.table, on) if self.default is None else query.outerjoin(self.table, on)


@contextmanager
def loan_groups(session: Session, group_by: str | None, period: Period) -> Iterator[Membership]:
    """Each loan's group, kept in a temporary table for the report's length where it is worked
    out (first touches, last scripts): every loan figure joins it, and working it out again
    for each — a window over the period's contacts — was most of a grouped report's time."""
    if group_by is None:
        yield Membership(None, ALL)
    elif group_by == "language":
        with _languages(session) as borrowers:
            yield Membership(select(Loan.id.label("owner"), borrowers.c.grp)
                             .join(borrowers, borrowers.c.owner == Loan.borrower_id).subquery())
    else:
        with _kept(session, _first_touch(OutreachContact.loan_id, group_by, period)) as touched:
            yield Membership(touched, NOT_CONTACTED)


@contextmanager
def borrower_groups(session: Session, group_by: str | None, period: Period) -> Iterator[Membership]:
    """Each borrower's group, as `loan_groups` keeps it."""
    if group_by is None:
        yield Membership(None, ALL)
    elif group_by == "language":
        with _languages(session) as borrowers:
            yield Membership(borrowers)
    else:
        with _kept(session, _first_touch(OutreachContact.borrower_id, group_by, period)) as touched:
            yield Membership(touched, NOT_CONTACTED)


@contextmanager
def _languages(session: Session) -> Iterator[FromClause]:
    """(owner, grp) for every borrower: the script they last wrote in, else their profile's."""
    with _kept(session, _latest_scripts()) as scripts:
        profile = case((Borrower.language == "zh", "hans"), else_="en")
        yield (select(Borrower.id.label("owner"), func.coalesce(scripts.c.grp, profile).label("grp"))
               .outerjoin(scripts, scripts.c.owner == Borrower.id).subquery())


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
