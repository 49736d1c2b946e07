"""How long an outreach pass takes over many borrowers on PostgreSQL (issue 13: 100,000 in
under a minute on this machine).

    .venv/bin/python bench/outreach_pass.py [--borrowers 100000]

A throwaway PostgreSQL server; borrowers in Shanghai, each with one loan of three monthly
bills, the first falling due between 40 days before and 40 days after today (spread evenly),
a tenth of them opted out. Prints, for the first pass at 10:00 local (every stage due today
written) and a second ten minutes later (everything settled: nothing written twice): the
seconds, loans read, contacts sent and held back.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from bot.arrangements.policy import load_policy  # noqa: E402
from bot.clock import today_in, zone  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.db.models import Bill, Borrower, Loan, Message  # noqa: E402
from bot.outreach.run import run_pass  # noqa: E402
from bot.outreach.strategy import load_strategy  # noqa: E402
from tests.postgres import start_server  # noqa: E402

TZ = "Asia/Shanghai"
BATCH = 5_000


def load_borrowers(database: Database, count: int, today: date) -> None:
    for start in range(0, count, BATCH):
        ids = range(start, min(start + BATCH, count))
        borrowers = [{"id": f"b-{i}", "name": f"Borrower {i}", "language": "zh" if i % 2 else "en",
                      "timezone": TZ, "contact_opt_out_at": datetime(2026, 1, 1, tzinfo=zone("UTC"))
                      if i % 10 == 0 else None} for i in ids]
        loans = [{"id": f"L-{i}", "borrower_id": f"b-{i}", "currency": "CNY", "principal": Decimal("3000.00"),
                  "collection_hold": False} for i in ids]
        bills = [{"loan_id": f"L-{i}", "due_date": today + timedelta(days=(i % 81) - 40 + 30 * n),
                  "principal": Decimal("1000.00"), "interest": Decimal("20.00"), "late_fee": Decimal("0"),
                  "paid": Decimal("0"), "opening_paid": Decimal("0")} for i in ids for n in range(3)]
        with database.transaction() as session:
            session.execute(insert(Borrower), borrowers)
            session.execute(insert(Loan), loans)
            session.execute(insert(Bill), bills)


def timed_pass(database: Database, at: datetime) -> None:
    strategy, book = load_strategy(), load_policy()
    started = time.perf_counter()
    report = run_pass(database, strategy, book, at)
    seconds = time.perf_counter() - started
    sent = sum(1 for d in report.decided if d.sent)
    print(f"pass at {at.isoformat()}: {seconds:.1f} s, {report.loans_read} loans read, {sent} to send, "
          f"{len(report.decided) - sent} held back, {report.already} settled earlier, "
          f"{len(report.delivered)} delivered; held back by {dict(report.reasons())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--borrowers", type=int, default=100_000)
    args = parser.parse_args()
    server = start_server()
    try:
        database = Database(server.create_database())
        database.upgrade()
        today = today_in(TZ)
        started = time.perf_counter()
        load_borrowers(database, args.borrowers, today)
        print(f"{args.borrowers} borrowers loaded in {time.perf_counter() - started:.0f} s")
        at = datetime.combine(today, clock_time(10), tzinfo=zone(TZ))
        timed_pass(database, at)
        timed_pass(database, at + timedelta(minutes=10))
        with database.transaction() as session:
            messages = session.execute(select(func.count()).select_from(Message)).scalar_one()
        print(f"outreach messages in conversations: {messages}")
        database.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
