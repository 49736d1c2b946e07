"""The demo chat in a real browser: the whole bot (tests/stack.py) with DEMO_CHAT=1 and a real
wallet secret, the demo borrowers (bot/loans/demo.py) on a database of its own, an agent who
answers through the agent API, and Debian's Chromium driven by Playwright (never a browser
Playwright downloads), phone-sized.

The stack is this folder's own and lives for the module only, like the agent console's
(tests/gateway/console/conftest.py, whose browser helpers it shares).
"""
from __future__ import annotations

from dataclasses import dataclass

import aiohttp
import pytest

from bot.auth.agents import add_agent
from bot.db import Database
from bot.loans.demo import demo_borrowers
from bot.loans.fixtures import load_fixture
from tests.gateway.console.conftest import (  # noqa: F401 - fixtures, shared
    browser,
    http,
    open_tab,
    require_chromium,
)
from tests.stack import TEST_MODEL, Stack

AGENT = "maria"
PASSWORD = "demo-test-password"
PHONE = {"width": 390, "height": 844}


@dataclass
class DemoStack(Stack):
    """The stack with the demo switched on explicitly: its wallet secret is a real one."""

    def environment(self) -> dict[str, str]:
        return {**super().environment(), "DEMO_CHAT": "1"}


@pytest.fixture(scope="module")
def demo_stack(postgres_server, tmp_path_factory):
    if not TEST_MODEL.exists():
        pytest.fail(f"no test model at {TEST_MODEL}: run `make test-model`")
    require_chromium()
    url = postgres_server.create_database()
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        load_fixture(session, demo_borrowers())
        add_agent(session, AGENT, PASSWORD)
    database.dispose()
    running = DemoStack(database_url=url, log_dir=tmp_path_factory.mktemp("demo-stack-logs")).start()
    yield running
    running.stop()
    postgres_server.drop_database(url)


@pytest.fixture
async def phone(demo_stack, browser):  # noqa: F811 - the shared fixture, by name
    """A fresh phone-sized tab on the demo page, with what went wrong in it."""
    async with open_tab(browser, f"{demo_stack.gateway}/demo", viewport=PHONE, has_touch=True,
                        locale="en-US") as tab:
        yield tab


class Agent:
    """An agent at work through the agent API (the console's calls): sign in, find the
    borrower's open handoff, claim it, reply, release or close."""

    def __init__(self, stack: Stack, http: aiohttp.ClientSession) -> None:  # noqa: F811
        self.stack, self.http, self.token = stack, http, ""

    async def sign_in(self) -> Agent:
        body = await self._call("POST", "/login", {"username": AGENT, "password": PASSWORD})
        self.token = body["token"]
        return self

    async def open_handoff_of(self, borrower_id: str) -> int:
        cases = await self._call("GET", "/handoffs?status=open")
        [case] = [case for case in cases if case["borrower_id"] == borrower_id]
        return case["id"]

    async def claim(self, handoff_id: int) -> None:
        await self._call("POST", f"/handoffs/{handoff_id}/claim")

    async def reply(self, handoff_id: int, text: str) -> None:
        await self._call("POST", f"/handoffs/{handoff_id}/messages", {"text": text})

    async def release(self, handoff_id: int) -> None:
        await self._call("POST", f"/handoffs/{handoff_id}/release")

    async def close(self, handoff_id: int) -> None:
        await self._call("POST", f"/handoffs/{handoff_id}/close")

    async def _call(self, method: str, path: str, body: dict | None = None):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.http.request(method, f"{self.stack.gateway}/api/v1/agent{path}", json=body,
                                     headers=headers, timeout=aiohttp.ClientTimeout(total=60)) as answer:
            assert answer.status in (200, 201), (method, path, answer.status, await answer.text())
            return await answer.json()
