"""`python -m bot outreach run [--at ISO-8601]` and `outreach check`: one pass, printed as a
collections manager reads it (what was sent, to whom, in which language; what was held back
and by which rule)."""
from __future__ import annotations

import sys
from datetime import datetime, timezone

from bot.arrangements.policy import PolicyError, load_policy
from bot.clock import utcnow
from bot.db import Database
from bot.outreach.elsewhere import publish_elsewhere
from bot.outreach.errors import StrategyError
from bot.outreach.run import PassReport
from bot.outreach.service import PushNotConfigured, outreach_pass, push_target
from bot.outreach.strategy import load_strategy
from bot.runtime.settings import Settings


def parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO-8601 moment (e.g. 2026-12-03T09:30:00+08:00): {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def run_once(database: Database, settings: Settings, at: datetime | None) -> int:
    try:
        strategy, book, target = load_strategy(), load_policy(), push_target(settings)
    except (StrategyError, PolicyError, PushNotConfigured, OSError) as error:
        print(str(error), file=sys.stderr)
        return 1
    database.upgrade()
    report, pushes = outreach_pass(database, strategy, book, at or utcnow(), target)
    print(_summary(report))
    where = publish_elsewhere(settings, report.delivered)
    pushed = f"; pushed {pushes.sent}, failed {pushes.failed}, given up {pushes.given_up}" if target else ""
    print(f"live feeds: {where}{pushed}")
    return 0


def check() -> int:
    try:
        strategy = load_strategy()
    except (StrategyError, OSError) as error:
        print(str(error), file=sys.stderr)
        return 1
    stages = {stage.name for stages in strategy.plans.values() for stage in stages}
    print(f"outreach ok: {strategy.source}, {len(strategy.plans)} plans, {len(stages)} stages, "
          f"{len(strategy.events)} arrangement events")
    return 0


def _summary(report: PassReport) -> str:
    lines = [f"outreach pass as of {report.at.isoformat()}: {report.loans_read} loans read, "
             f"{sum(1 for d in report.decided if d.sent)} to send, "
             f"{sum(1 for d in report.decided if not d.sent)} held back, "
             f"{report.already} settled by an earlier pass, {len(report.delivered)} delivered"]
    for decided in report.decided:
        row = decided.row
        local = row["at"]
        lines.append(f"  {'sent' if decided.sent else 'held back':9} {row['borrower_id']} {row['loan_id']} "
                     f"{row['template']:22} {row['segment']:12} {row['language']:4} "
                     f"{local.isoformat()}" + ("" if decided.sent else f"  {row['reason']}: {row['detail']}"))
    return "\n".join(lines)
