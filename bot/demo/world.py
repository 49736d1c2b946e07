"""What every borrower's history shares: when it ends, how long it is, and the rules."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from typing import Any

from bot.arrangements.policy import PolicyBook
from bot.outreach.strategy import Strategy
from bot.outreach.templates import Rendered

UTC = timezone.utc


@dataclass(frozen=True)
class World:
    """The history's end and length, the outreach strategy and the lender's policy; and the
    wordings worked out so far (bot/demo/wordings.py), which every borrower shares."""

    now: datetime  # aware: nothing is dated after it
    days: int
    strategy: Strategy
    book: PolicyBook
    wordings: dict[tuple[Any, ...], Rendered] = field(default_factory=dict, compare=False, repr=False)

    @property
    def first_day(self) -> date:
        """The history's first day (UTC): outreach and chats begin here, payments may be older."""
        return self.now.astimezone(UTC).date() - timedelta(days=self.days - 1)

    @cached_property
    def stage_days(self) -> tuple[timedelta, ...]:
        """Every stage's days from its due date, in any plan (the days a pass may write)."""
        return tuple(timedelta(days=offset) for offset in
                     sorted({stage.offset for stages in self.strategy.plans.values() for stage in stages}))

    @cached_property
    def overdue_days(self) -> tuple[timedelta, ...]:
        """Those of the stages once a bill is overdue."""
        return tuple(offset for offset in self.stage_days if offset > timedelta(0))
