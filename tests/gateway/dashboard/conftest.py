"""The dashboard in a real browser: the gateway alone (no Rasa, no action server: the dashboard
needs only the KPI API) as a process on a PostgreSQL database of its own, holding the
hand-checked portfolio of tests/kpis/portfolio.py and a little more outreach (so that a stage
has a champion and a challenger to compare), a supervisor and a trainer; and Debian's Chromium
driven by Playwright, with the console's helpers (tests/gateway/console/conftest.py).
"""
from __future__ import annotations

import secrets
import sys
import time
from dataclasses import dataclass, field

import aiohttp
import pytest

from bot.auth.agents import add_agent
from bot.db import Database
from tests.gateway.console.conftest import (  # noqa: F401 - fixtures, shared
    VIEWPORT,
    browser,
    http,
    open_tab,
    require_chromium,
)
from tests.kpis import portfolio
from tests.stack import STARTUP_SECONDS, Stack, _answers

SUPERVISOR, TRAINER = "sam.lee", "tia.wong"
PASSWORD = "dashboard-test-password"
NOVEMBER = ("2026-11-01", "2026-11-30")

# D+7 in November: the champion to L-k1 two days before its payment, and to L-k4 after its last
# one; the challenger to L-k2 two days before a payment and a promise. Every money figure, and
# every borrower reached, stays the portfolio's (they were all reached in November already).
MORE_OUTREACH = (
    ("b-k1", "L-k1", "D+7", "low/low", "champion", "2026-11-03"),
    ("b-k4", "L-k4", "D+7", "low/low", "champion", "2026-11-22"),
    ("b-k2", "L-k2", "D+7", "medium/low", "challenger", "2026-11-08"),
)


@dataclass
class Gateway(Stack):
    """Only the gateway of tests/stack.py's stack: Rasa's URL is a port nothing listens on, and
    no outreach pass runs, so the database holds only what the test put there."""

    agent_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    def environment(self) -> dict[str, str]:
        return {**super().environment(), "AGENT_JWT_SECRET": self.agent_secret, "OUTREACH_EVERY_SECONDS": "0"}

    def start(self) -> Gateway:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.start_process("gateway", [sys.executable, "-m", "bot", "gateway"])
            self.wait_for_gateway()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_for_gateway(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        process, _ = self.processes["gateway"]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the gateway exited with {process.returncode}:\n"
                                   f"{self.log_tail('gateway')}")
            if _answers(f"{self.gateway}/healthz"):
                return
            time.sleep(0.3)
        raise RuntimeError(f"the gateway did not start in {STARTUP_SECONDS}s:\n{self.log_tail('gateway')}")


def load_portfolio(database: Database) -> None:
    portfolio.build(database)
    with database.transaction() as session:
        for borrower, loan, stage, segment, variant, day in MORE_OUTREACH:
            portfolio.contact(session, borrower, loan, stage, segment, variant, "sent", portfolio.at(day))
        add_agent(session, SUPERVISOR, PASSWORD, role="supervisor")
        add_agent(session, TRAINER, PASSWORD, role="trainer")


@pytest.fixture(scope="module")
def dashboard_gateway(postgres_server, tmp_path_factory):
    require_chromium()
    url = postgres_server.create_database()
    database = Database(url)
    database.upgrade()
    load_portfolio(database)
    database.dispose()
    running = Gateway(database_url=url, log_dir=tmp_path_factory.mktemp("dashboard-gateway-logs")).start()
    yield running
    running.stop()
    postgres_server.drop_database(url)


@pytest.fixture
async def dashboard(dashboard_gateway, browser):  # noqa: F811 - the shared fixture, by name
    """A fresh tab on the dashboard, signed out, with what went wrong in it."""
    async with open_tab(browser, f"{dashboard_gateway.gateway}/agent/dashboard", viewport=VIEWPORT,
                        accept_downloads=True, locale="en-US") as tab:
        yield tab


class KpiApi:
    """The KPI API as the test reads it: what the page must show."""

    def __init__(self, gateway: Gateway, http: aiohttp.ClientSession) -> None:  # noqa: F811
        self.gateway, self.http, self.token = gateway, http, ""

    async def sign_in(self, username: str = SUPERVISOR) -> KpiApi:
        async with self.http.post(f"{self.gateway.gateway}/api/v1/agent/login",
                                  json={"username": username, "password": PASSWORD}) as answer:
            assert answer.status == 200, await answer.text()
            self.token = (await answer.json())["token"]
        return self

    async def get(self, path: str, **query: str) -> dict:
        async with self.http.get(f"{self.gateway.gateway}/api/v1/agent{path}", params=query,
                                 headers={"Authorization": f"Bearer {self.token}"}) as answer:
            assert answer.status == 200, await answer.text()
            return await answer.json()

    async def csv(self, path: str, **query: str) -> str:
        async with self.http.get(f"{self.gateway.gateway}/api/v1/agent{path}",
                                 params={**query, "format": "csv"},
                                 headers={"Authorization": f"Bearer {self.token}"}) as answer:
            assert answer.status == 200, await answer.text()
            return (await answer.read()).decode("utf-8")

    async def report(self, first: str, last: str, group_by: str | None = None) -> dict:
        query = {"from": first, "to": last, **({"group_by": group_by} if group_by else {})}
        return await self.get("/kpis", **query)

    async def variants(self, first: str, last: str) -> dict:
        return await self.get("/kpis/variants", **{"from": first, "to": last})


@pytest.fixture
async def kpi_api(dashboard_gateway, http):  # noqa: F811
    return await KpiApi(dashboard_gateway, http).sign_in()


async def sign_in(page, username: str = SUPERVISOR, password: str = PASSWORD) -> None:
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
