"""One KPI report: every figure for the period, for the whole portfolio and for each group."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce

from sqlalchemy.orm import Session

from bot.kpis.analytical import analytical
from bot.kpis.arrangements import Agreed, agreed_by_group
from bot.kpis.chats import Chats, chats_by_group
from bot.kpis.groups import ALL, borrower_groups, loan_groups
from bot.kpis.lanes import side_by_side
from bot.kpis.outreach import Contacts, contacts_by_group
from bot.kpis.period import Period
from bot.kpis.recovery import BUCKETS, Bucket, Money, Recovery, recovery_by_group


@dataclass(frozen=True)
class Figures:
    group: str
    chats: Chats = field(default_factory=Chats)
    agreed: Agreed = field(default_factory=Agreed)
    money: dict[str, Money] = field(default_factory=dict)  # by currency
    buckets: dict[str, Bucket] = field(default_factory=dict)  # by bucket at the start
    contacts: Contacts = field(default_factory=Contacts)

    def plus(self, other: Figures) -> Figures:
        """Both groups' figures under this one's name."""
        money = {currency: self.money.get(currency, Money()).plus(other.money.get(currency, Money()))
                 for currency in self.money.keys() | other.money.keys()}
        buckets = {name: self.buckets.get(name, Bucket()).plus(other.buckets.get(name, Bucket()))
                   for name in BUCKETS}
        return Figures(self.group, self.chats.plus(other.chats), self.agreed.plus(other.agreed), money,
                       buckets, self.contacts.plus(other.contacts))


_LoanFigures = tuple[dict[str, Agreed], dict[str, Recovery], dict[str, Contacts]]


@dataclass(frozen=True)
class Report:
    period: Period
    group_by: str | None
    total: Figures
    groups: tuple[Figures, ...]  # in order of their names


def kpi_report(session: Session, period: Period, group_by: str | None) -> Report:
    analytical(session)
    groups = _figures(session, period, group_by)
    total = _total(groups.values()) if group_by else groups.get(ALL, Figures(ALL))
    return Report(period, group_by, total, tuple(groups[name] for name in sorted(groups)) or (total,))


def rate(numerator: int | Decimal, denominator: int | Decimal) -> float | None:
    """A share, None where there is nothing to divide by (not 0: nothing was measured)."""
    return None if not denominator else float(Decimal(numerator) / Decimal(denominator))


def _total(groups: Iterable[Figures]) -> Figures:
    """The whole portfolio's figures, added up from its groups' (each loan and each borrower is
    in exactly one group)."""
    return reduce(Figures.plus, groups, Figures(ALL, buckets={name: Bucket() for name in BUCKETS}))


def _figures(session: Session, period: Period, group_by: str | None) -> dict[str, Figures]:
    """Each group's figures: the borrowers' and the loans' worked out side by side."""

    def of_borrowers(lane: Session) -> dict[str, Chats]:
        with borrower_groups(lane, group_by, period) as borrowers:
            return chats_by_group(lane, period, borrowers)

    def of_loans(lane: Session) -> _LoanFigures:
        with loan_groups(lane, group_by, period) as loans:
            return (agreed_by_group(lane, period, loans), recovery_by_group(lane, period, loans),
                    contacts_by_group(lane, period, group_by))

    chats, (agreed, recovery, contacts) = side_by_side(session, of_borrowers, of_loans)
    names = set(chats) | set(agreed) | set(recovery) | set(contacts) or {ALL}
    nothing = Recovery({}, {b: Bucket() for b in BUCKETS})
    return {name: Figures(name, chats.get(name, Chats()), agreed.get(name, Agreed()),
                          recovery.get(name, nothing).money, recovery.get(name, nothing).buckets,
                          contacts.get(name, Contacts()))
            for name in names}
