"""One KPI report: every figure for the period, for the whole portfolio and for each group."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import reduce

from sqlalchemy.orm import Session

from bot.kpis.analytical import analytical
from bot.kpis.arrangements import Agreed, agreed_by_group
from bot.kpis.chats import Answering, Chats, answering_by_group, chats_by_group
from bot.kpis.groups import ALL, Grouping, grouping
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
        """Both groups' figures under this one's name (first-answer times aside: Chats.plus)."""
        money = {currency: self.money.get(currency, Money()).plus(other.money.get(currency, Money()))
                 for currency in self.money.keys() | other.money.keys()}
        buckets = {name: self.buckets.get(name, Bucket()).plus(other.buckets.get(name, Bucket()))
                   for name in BUCKETS}
        return Figures(self.group, self.chats.plus(other.chats), self.agreed.plus(other.agreed), money,
                       buckets, self.contacts.plus(other.contacts))


@dataclass(frozen=True)
class Report:
    period: Period
    group_by: str | None
    total: Figures
    groups: tuple[Figures, ...]  # in order of their names


def kpi_report(session: Session, period: Period, group_by: str | None) -> Report:
    analytical(session)
    with grouping(session, group_by, period) as grouped:
        groups = _figures(session, period, group_by, grouped)
    total = _total(session, period, groups.values()) if group_by else groups.get(ALL, Figures(ALL))
    return Report(period, group_by, total, tuple(groups[name] for name in sorted(groups)) or (total,))


def rate(numerator: int | Decimal, denominator: int | Decimal) -> float | None:
    """A share, None where there is nothing to divide by (not 0: nothing was measured)."""
    return None if not denominator else float(Decimal(numerator) / Decimal(denominator))


def _total(session: Session, period: Period, groups: Iterable[Figures]) -> Figures:
    """The whole portfolio's figures, added up from its groups' (each loan and each borrower is
    in exactly one group), and its own first-answer times, which are quantiles and do not add up."""
    total = reduce(Figures.plus, groups, Figures(ALL, buckets={name: Bucket() for name in BUCKETS}))
    with grouping(session, None, period) as everyone:
        waits = answering_by_group(session, period, everyone.borrowers).get(ALL, Answering())
    return replace(total, chats=replace(total.chats, first_answer=waits))


def _figures(session: Session, period: Period, group_by: str | None, grouped: Grouping) -> dict[str, Figures]:
    loans, borrowers = grouped.loans, grouped.borrowers
    chats = chats_by_group(session, period, borrowers)
    agreed = agreed_by_group(session, period, loans)
    recovery = recovery_by_group(session, period, loans)
    contacts = contacts_by_group(session, period, group_by)
    names = set(chats) | set(agreed) | set(recovery) | set(contacts) or {ALL}
    nothing = Recovery({}, {b: Bucket() for b in BUCKETS})
    return {name: Figures(name, chats.get(name, Chats()), agreed.get(name, Agreed()),
                          recovery.get(name, nothing).money, recovery.get(name, nothing).buckets,
                          contacts.get(name, Contacts()))
            for name in names}
