"""`python -m bot trackers prune [--older-than 30d] [--dry-run] [--quiet]`: what it prints."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.db import Database
from bot.trackers.age import describe_age
from bot.trackers.prune import prune
from bot.trackers.sessions import Plan


def run(trackers: Database, conversations: Database, older_than: timedelta, *,
        dry_run: bool = False, quiet: bool = False, now: datetime | None = None) -> int:
    cutoff = (now or datetime.now(timezone.utc)) - older_than
    verb = "would delete" if dry_run else "deleted"
    when = cutoff.isoformat(timespec="seconds").replace("+00:00", "Z")
    if not quiet:
        print(f"tracker sessions that ended before {when} (older than {describe_age(older_than)})"
              f"{', dry run: nothing is deleted' if dry_run else ''}", flush=True)

    def each(plan: Plan) -> None:
        if quiet:
            return
        if plan.skipped:
            print(f"  {plan.conversation_id}: skipped, {plan.skipped}", flush=True)
        else:
            print(f"  {plan.conversation_id}: {verb} {plan.sessions} {_sessions(plan.sessions)} "
                  f"({len(plan.delete)} events); kept {plan.kept} events, the latest session "
                  "whole", flush=True)

    pruning = prune(trackers, conversations, cutoff, dry_run=dry_run, each=each)
    if not pruning.table_found:
        print("trackers: no `events` table yet (Rasa has not run on this database): nothing to prune")
        return 0
    done = pruning.deleted
    events, sessions = sum(len(p.delete) for p in done), sum(p.sessions for p in done)
    skipped = f"; skipped {len(pruning.skipped)} (in a handoff or a form)" if pruning.skipped else ""
    print(f"trackers: {verb} {events} events of {sessions} {_sessions(sessions)} in "
          f"{len(done)} conversations (sessions ended before {when}){skipped}")
    return 0


def _sessions(count: int) -> str:
    return "session" if count == 1 else "sessions"
