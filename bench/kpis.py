"""How long the KPI API takes over a large portfolio on PostgreSQL (issue 14: under a second
for 100,000 borrowers over a year on this machine).

    .venv/bin/python bench/kpis.py [--borrowers 100000] [--days 365] [--url URL]

A throwaway PostgreSQL server, the demo portfolio generator (`python -m bot demo portfolio`)
for the history (or, with --url, a database that has one already: it is upgraded, not
generated again), then each report as the API computes it (bot/kpis/), timed: the last month,
quarter and year, without a group and by each grouping, and the variant comparison. Each is
run twice and the second (warm) time printed beside the first. Last, the year's reports as a
supervisor's browser gets them: `GET /api/v1/agent/kpis` (and `/kpis/variants`) through the
gateway's application on a loopback port, sign-in check, audit record and JSON included.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bot.auth.agent_tokens import issue_agent_token  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.db.models import Agent, Bill, Borrower, OutreachContact, Payment  # noqa: E402
from bot.gateway.app import create_app  # noqa: E402
from bot.kpis.period import Period  # noqa: E402
from bot.kpis.report import kpi_report  # noqa: E402
from bot.kpis.variants import variant_figures  # noqa: E402
from bot.runtime.settings import DEV_AGENT_JWT_SECRET, Settings  # noqa: E402
from tests.postgres import start_server  # noqa: E402

SUPERVISOR = "bench-supervisor"


def generate(url: str, borrowers: int, days: int) -> None:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", "demo", "portfolio", "--borrowers", str(borrowers),
                           "--days", str(days)], cwd=ROOT, env={**os.environ, "DATABASE_URL": url},
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the portfolio generator failed: {done.stderr}")
    print(f"portfolio generated in {time.perf_counter() - started:.0f} s: {done.stdout.strip()}")


def vacuumed(database: Database) -> None:
    """VACUUM ANALYZE, as autovacuum would do soon after a bulk load in production: without
    it no page is marked all-visible, and no index-only scan is possible."""
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def sizes(database: Database) -> str:
    with database.transaction() as session:
        counts = [session.execute(select(func.count()).select_from(model)).scalar_one()
                  for model in (Borrower, Bill, Payment, OutreachContact)]
    return "borrowers {:,}, bills {:,}, payments {:,}, outreach contacts {:,}".format(*counts)


def timed(database: Database, label: str, work) -> None:  # type: ignore[no-untyped-def]
    seconds = []
    for _ in range(2):
        with database.transaction() as session:
            started = time.perf_counter()
            work(session)
            seconds.append(time.perf_counter() - started)
    print(f"  {label:<34} {seconds[0]:6.2f} s   warm {seconds[1]:6.2f} s")


async def through_the_api(database: Database, period: Period) -> None:
    """The year's reports as the dashboard asks for them, each twice (the second printed warm)."""
    with database.transaction() as session:
        if session.execute(select(Agent.id).where(Agent.username == SUPERVISOR)).first() is None:
            session.add(Agent(username=SUPERVISOR, password_hash="!", role="supervisor"))  # noqa: S106 - no password signs in
    settings = Settings.from_env({"DATABASE_URL": database.url, "RASA_URL": "http://127.0.0.1:9"})
    headers = {"Authorization": f"Bearer {issue_agent_token(DEV_AGENT_JWT_SECRET, SUPERVISOR)}"}
    dates = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    async with TestClient(TestServer(create_app(settings, database))) as client:
        asks = [(f"GET /kpis group_by={group_by}", "/api/v1/agent/kpis", {**dates, "group_by": group_by})
                for group_by in ("segment", "stage", "variant", "language")]
        for label, path, query in [("GET /kpis", "/api/v1/agent/kpis", dates), *asks,
                                   ("GET /kpis/variants", "/api/v1/agent/kpis/variants", dates)]:
            seconds = []
            for _ in range(2):
                started = time.perf_counter()
                answer = await client.get(path, params=query, headers=headers)
                await answer.read()
                seconds.append(time.perf_counter() - started)
                if answer.status != 200:
                    sys.exit(f"{label}: {answer.status} {await answer.text()}")
            print(f"  {label:<34} {seconds[0]:6.2f} s   warm {seconds[1]:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--borrowers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--url", help="a PostgreSQL database holding a portfolio already")
    args = parser.parse_args()
    server = None if args.url else start_server()
    try:
        url = args.url or server.create_database()
        database = Database(url)
        database.upgrade()
        if not args.url:
            generate(url, args.borrowers, args.days)
            vacuumed(database)
        print(sizes(database))
        today = date.today()
        for name, days in (("month", 30), ("quarter", 91), ("year", 365)):
            period = Period(today - timedelta(days=days), today - timedelta(days=1))
            print(f"{name}: {period.first} to {period.last}")
            for group_by in (None, "segment", "stage", "variant", "language"):
                timed(database, f"kpis group_by={group_by}",
                      lambda session, p=period, g=group_by: kpi_report(session, p, g))
            timed(database, "variants", lambda session, p=period: variant_figures(session, p))
        print("year, through the API:")
        asyncio.run(through_the_api(database, period))
        database.dispose()
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
