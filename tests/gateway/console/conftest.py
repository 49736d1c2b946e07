"""The agent console in a real browser: the whole bot (tests/stack.py) on a database of its own,
an agent, borrowers who chat through the real chat API, and Debian's Chromium driven by
Playwright (never a browser Playwright downloads).

The stack is this folder's own: its borrowers end up handed over to a person, which must not
change what the tests/conversations suite sees. It lives for the module only, so the two stacks
do not run side by side.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.auth.agents import add_agent
from bot.auth.borrower_tokens import issue_borrower_token
from bot.db import Database
from bot.runtime.settings import PROJECT_ROOT
from tests.builders import alice, bill, borrower, load
from tests.stack import TEST_MODEL, Stack

AGENT = "mei.lin"
OTHER_AGENT = "tom.k"  # a colleague, through the API
PASSWORD = "console-test-password"
RESULTS = PROJECT_ROOT / "results"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}  # a laptop


def chromium_path() -> str | None:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).exists() else None


BORROWERS = (
    alice(),
    borrower("b-2002", "Ben Ong", "en", "America/New_York").loan(
        "L-2002", "USD", "900.00", bill(-12, "300.00", interest="9.00", late_fee="5.00"),
        bill(18, "300.00", interest="6.00")),
    borrower("b-2003", "Chen Jia", "en", "Asia/Singapore").loan(
        "L-2003", "SGD", "500.00", bill(-40, "500.00", interest="10.00")),
    borrower("b-2004", "Dee Lam", "en", "Asia/Hong_Kong")
    .loan("L-2004", "HKD", "1000.00", bill(-9, "1000.00", interest="10.00"))
    .loan("L-2005", "SGD", "400.00", bill(-3, "400.00", interest="4.00")),
    # Outreach writes to her (a week late on one loan, the other due in five days).
    borrower("b-2005", "Eva Chan", "en", "Asia/Hong_Kong")
    .loan("L-2006", "HKD", "800.00", bill(-7, "800.00", interest="8.00"))
    .loan("L-2007", "HKD", "500.00", bill(5, "500.00")),
)


@pytest.fixture(scope="module")
def console_stack(postgres_server, tmp_path_factory):
    if not TEST_MODEL.exists():
        pytest.fail(f"no test model at {TEST_MODEL}: run `make test-model`")
    require_chromium()
    url = postgres_server.create_database()
    database = Database(url)
    database.upgrade()
    load(database, *BORROWERS)
    with database.transaction() as session:
        add_agent(session, AGENT, PASSWORD)
        add_agent(session, OTHER_AGENT, PASSWORD)
    database.dispose()
    running = Stack(database_url=url, log_dir=tmp_path_factory.mktemp("console-stack-logs")).start()
    yield running
    running.stop()
    postgres_server.drop_database(url)


class Borrower:
    """A borrower's wallet app: the chat API and its WebSocket, with the borrower's token."""

    def __init__(self, stack: Stack, http: aiohttp.ClientSession, borrower_id: str) -> None:
        self.stack, self.http = stack, http
        self.token = issue_borrower_token(stack.jwt_secret, borrower_id)

    async def say(self, text: str) -> dict:
        async with self.http.post(
            f"{self.stack.gateway}/api/v1/chat", json={"text": text},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=aiohttp.ClientTimeout(total=60),
        ) as answer:
            body = await answer.json()
            assert answer.status == 200, body
            return body

    async def socket(self) -> aiohttp.ClientWebSocketResponse:
        return await self.http.ws_connect(f"{self.stack.gateway}/api/v1/chat/ws?token={self.token}")


async def agent_token(stack: Stack, http: aiohttp.ClientSession, username: str = OTHER_AGENT) -> str:
    async with http.post(f"{stack.gateway}/api/v1/agent/login",
                         json={"username": username, "password": PASSWORD}) as answer:
        assert answer.status == 200, await answer.text()
        return (await answer.json())["token"]


async def next_event(socket: aiohttp.ClientWebSocketResponse, sender: str, timeout: float = 20) -> dict:
    """The next event `from` sender on a borrower's WebSocket (others are skipped)."""
    while True:
        message = await socket.receive(timeout=timeout)
        assert message.type == aiohttp.WSMsgType.TEXT, message
        event = json.loads(message.data)
        if event.get("from") == sender:
            return event


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def browser():
    from playwright.async_api import async_playwright  # only the browser tests need it

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@dataclass
class Console:
    """A browser tab on the console, and what went wrong in it: uncaught script errors and
    anything the Content-Security-Policy blocked (an inline style or script would be)."""

    page: Any
    problems: list[str] = field(default_factory=list)

    def note(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"blocked: {message.text}")


@pytest.fixture
async def console(console_stack, browser):
    """A fresh tab on the console, signed out."""
    async with open_tab(browser, f"{console_stack.gateway}/agent", viewport=VIEWPORT) as tab:
        yield tab


def require_chromium() -> None:
    if chromium_path() is None:
        pytest.fail("no Chromium at /usr/bin/chromium: `apt-get install chromium` "
                    "(or set CHROMIUM)", pytrace=False)


@asynccontextmanager
async def open_tab(browser: Any, url: str, **context_options: Any) -> AsyncIterator[Console]:
    """A fresh tab (a browser context of its own, made with `context_options`) on `url`, noting
    script errors and what the Content-Security-Policy blocked."""
    context = await browser.new_context(**context_options)
    tab = Console(await context.new_page())
    tab.page.on("pageerror", lambda error: tab.problems.append(f"script error: {error}"))
    tab.page.on("console", tab.note)
    await tab.page.goto(url)
    try:
        yield tab
    finally:
        await context.close()


async def sign_in(page, username: str = AGENT, password: str = PASSWORD) -> None:
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
