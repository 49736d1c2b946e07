"""How long a borrower in distress waits before an agent's console shows them.

Against a running gateway: signs an agent in to the console (/agent) in Debian's Chromium, then,
N times, has the borrower send a distress message over the chat API and measures the
milliseconds from just before that POST to the moment the new handoff is in the console's
queue (seen by a MutationObserver in the page: the WebSocket push, not a reload). Between
repeats the handoff is closed through the agent API, so each repeat starts a new conversation.

    TOKEN=$(.venv/bin/python -m bot token b-2001)
    .venv/bin/python bench/handoff_latency.py --gateway http://127.0.0.1:8080 \\
        --username mei.lin --borrower-token "$TOKEN" --repeats 10
    # the agent's password: $AGENT_PASSWORD, else asked for (or read from stdin)

Prints one line per repeat (after one uncounted warm-up: --warmup), then min / median / max.
The browser and this script share the machine's clock, so the two timestamps compare directly.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import getpass
import json
import os
import shutil
import statistics
import sys
import time

import aiohttp

DISTRESS = "I don't want to live anymore"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Records, in the page, when each handoff of the borrower first shows in the queue.
OBSERVER = """(borrowerId) => {
  window.__firstSeen = {};
  const record = () => {
    for (const item of document.querySelectorAll('#queue li[data-handoff-id]')) {
      const id = item.dataset.handoffId;
      if (item.dataset.borrowerId === borrowerId && !(id in window.__firstSeen)) {
        window.__firstSeen[id] = Date.now();
      }
    }
  };
  record();
  new MutationObserver(record)
    .observe(document.getElementById('queue'), {childList: true, subtree: true});
}"""


def borrower_of(token: str) -> str:
    """The token's `sub`, read without checking the signature (the gateway checks it)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


class Agent:
    def __init__(self, http: aiohttp.ClientSession, gateway: str, token: str) -> None:
        self.http, self.gateway, self.token = http, gateway, token

    @classmethod
    async def sign_in(cls, http, gateway: str, username: str, password: str) -> Agent:
        async with http.post(f"{gateway}/api/v1/agent/login",
                             json={"username": username, "password": password}) as answer:
            if answer.status != 200:
                raise SystemExit(f"agent login failed: {answer.status} {await answer.text()}")
            return cls(http, gateway, (await answer.json())["token"])

    async def call(self, method: str, path: str):
        async with self.http.request(method, f"{self.gateway}/api/v1/agent{path}",
                                     headers={"Authorization": f"Bearer {self.token}"}) as answer:
            body = await answer.json()
            if answer.status >= 400:
                raise RuntimeError(f"{method} {path}: {answer.status} {body}")
            return body

    async def close_active(self, borrower_id: str) -> list[int]:
        closed = []
        for case in await self.call("GET", "/handoffs?status=active"):
            if case["borrower_id"] == borrower_id:
                await self.call("POST", f"/handoffs/{case['id']}/close")
                closed.append(case["id"])
        return closed


async def say(http, gateway: str, token: str, text: str) -> dict:
    async with http.post(f"{gateway}/api/v1/chat", json={"text": text},
                         headers={"Authorization": f"Bearer {token}"},
                         timeout=aiohttp.ClientTimeout(total=120)) as answer:
        body = await answer.json()
        if answer.status != 200:
            raise RuntimeError(f"chat: {answer.status} {body}")
        return body


async def measure(args: argparse.Namespace, password: str) -> list[float]:
    from playwright.async_api import async_playwright

    gateway = args.gateway.rstrip("/")
    borrower_id = borrower_of(args.borrower_token)
    results: list[float] = []
    async with aiohttp.ClientSession() as http, async_playwright() as playwright:
        agent = await Agent.sign_in(http, gateway, args.username, password)
        if await agent.close_active(borrower_id):
            print(f"closed a handoff {borrower_id} already had, to start clean", file=sys.stderr)
        browser = await playwright.chromium.launch(
            executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1440, "height": 900})
            await page.goto(f"{gateway}/agent")
            await page.get_by_label("Username").fill(args.username)
            await page.get_by_label("Password").fill(password)
            await page.get_by_role("button", name="Sign in").click()
            # Selectors only: the console's CSP forbids the eval behind wait_for_function.
            await page.wait_for_selector('#connection[data-state="live"]', timeout=30_000)
            await page.evaluate(OBSERVER, borrower_id)
            case = f'#queue li[data-borrower-id="{borrower_id}"]'
            for repeat in range(1 - args.warmup, args.repeats + 1):  # warm-ups first, not counted
                started = time.time() * 1000
                answer = await say(http, gateway, args.borrower_token, args.text)
                posted = time.time() * 1000
                item = await page.wait_for_selector(case, timeout=args.timeout * 1000)
                handoff_id = await item.get_attribute("data-handoff-id")
                shown_at = await page.evaluate("(id) => window.__firstSeen[id]", handoff_id)
                latency = shown_at - started
                if repeat > 0:
                    results.append(latency)
                label = f"repeat {repeat}" if repeat > 0 else "warm-up"
                print(f"{label}: handoff {handoff_id} in the queue after {latency:.0f} ms "
                      f"(the chat POST took {posted - started:.0f} ms; status {answer['status']})")
                await agent.call("POST", f"/handoffs/{handoff_id}/close")
                await page.wait_for_selector(f'#queue li[data-handoff-id="{handoff_id}"]',
                                             state="detached", timeout=args.timeout * 1000)
        finally:
            await browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gateway", default="http://127.0.0.1:8080")
    parser.add_argument("--username", required=True, help="an agent (python -m bot agents add)")
    parser.add_argument("--borrower-token", default=os.environ.get("BORROWER_TOKEN"),
                        help="a borrower JWT (python -m bot token b-2001); default $BORROWER_TOKEN")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1,
                        help="uncounted repeats first (the bot's first answer is slower)")
    parser.add_argument("--text", default=DISTRESS, help="what the borrower says")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for each handoff")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM") or shutil.which("chromium")
                        or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    if not args.borrower_token:
        parser.error("--borrower-token or $BORROWER_TOKEN is required")
    if args.repeats < 1 or args.warmup < 0:
        parser.error("--repeats must be at least 1 and --warmup at least 0")
    password = os.environ.get("AGENT_PASSWORD")
    if password is None:
        password = (getpass.getpass("agent password: ") if sys.stdin.isatty()
                    else sys.stdin.readline().rstrip("\n"))
    results = asyncio.run(measure(args, password))
    print(f"handoff shown in the console: min {min(results):.0f} ms, "
          f"median {statistics.median(results):.0f} ms, max {max(results):.0f} ms "
          f"over {len(results)} repeats")
    return 0


if __name__ == "__main__":
    sys.exit(main())
