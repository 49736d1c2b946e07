"""The period a report covers: whole days `from`..`to`, inclusive, in UTC."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

LONGEST_DAYS = 731  # two years: a comparison of this year with the last


class PeriodError(ValueError):
    """A period that is not two dates, in order, within LONGEST_DAYS."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @classmethod
    def parse(cls, first: str | None, last: str | None) -> Period:
        period = cls(_date("from", first), _date("to", last))
        if period.last < period.first:
            raise PeriodError(f"`to` ({period.last}) is before `from` ({period.first})")
        if period.days > LONGEST_DAYS:
            raise PeriodError(f"the period is {period.days} days; at most {LONGEST_DAYS}")
        return period

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        """The first moment in it (00:00 UTC of `from`): what was overdue is as of then."""
        return datetime.combine(self.first, time(0), tzinfo=timezone.utc)

    @property
    def end(self) -> datetime:
        """The first moment after it (00:00 UTC of the day after `to`)."""
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=timezone.utc)

    @property
    def end_day(self) -> date:
        return self.last + timedelta(days=1)


def _date(name: str, text: str | None) -> date:
    if not text:
        raise PeriodError(f"`{name}` is missing: a date, YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"`{name}` is not a date that exists, as YYYY-MM-DD: {text!r}") from None
