"""Outreach through the gateway (CONTRACT §8): a pass's message in the borrower's history as
`kind: outreach` with its buttons, on their WebSocket when a pass elsewhere reports it, in the
agent view's `contacts` (held-back ones with the rule) and each loan's segment; and the
wallet's signed push, retried with backoff when the wallet does not answer."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from datetime import datetime, time, timedelta

from aiohttp import web
from sqlalchemy import select

from bot.arrangements.policy import load_policy
from bot.auth.agent_tokens import issue_agent_token
from bot.clock import today_in, zone
from bot.db.models import Agent, Borrower, OutreachContact
from bot.gateway.app import create_app
from bot.outreach import push
from bot.outreach.push import PushTarget
from bot.outreach.run import run_pass
from bot.outreach.service import outreach_pass
from bot.outreach.strategy import load_strategy
from bot.runtime.settings import Settings
from tests.builders import bill, borrower, load
from tests.gateway.support import SECRET, bearer, closed_port

AGENT_SECRET = "outreach-test-agent-secret-0123456789abcdef"
SERVICE_TOKEN = "outreach-test-service-token-0123456789abcdef"
TZ = "Asia/Shanghai"


def morning(days: int = 0) -> datetime:
    return datetime.combine(today_in(TZ) + timedelta(days=days), time(10), tzinfo=zone(TZ))


def kim():
    return borrower("b-9001", "Kim Ho", "en", TZ).loan("L-9001", "CNY", "900.00", bill(-7, "300.00", "9.00"))


async def gateway_on(aiohttp_client, database):
    settings = Settings.from_env({
        "DATABASE_URL": database.url, "WALLET_JWT_SECRET": SECRET, "AGENT_JWT_SECRET": AGENT_SECRET,
        "WALLET_SERVICE_TOKEN": SERVICE_TOKEN, "RASA_URL": f"http://127.0.0.1:{closed_port()}"})
    return await aiohttp_client(create_app(settings, database))


def one_pass(database, at: datetime):
    return run_pass(database, load_strategy(), load_policy(), at)


async def test_the_message_is_in_the_history_with_its_buttons(aiohttp_client, sqlite_database):
    load(sqlite_database, kim())
    one_pass(sqlite_database, morning())
    client = await gateway_on(aiohttp_client, sqlite_database)
    history = await (await client.get("/api/v1/chat/history", headers=bearer("b-9001"))).json()
    [event] = history["events"]
    assert (event["from"], event["kind"]) == ("bot", "outreach")
    assert "CN¥309.00" in event["text"] and "L-9001" in event["text"]
    assert all(b["payload"].endswith('{"loan_id": "L-9001"}') for b in event["buttons"])
    # A tap on one of them is let through to the bot as the intent (it was on screen).
    assert any(b["payload"].startswith("/request_instalment") for b in event["buttons"])


async def test_a_pass_elsewhere_puts_its_messages_on_the_live_feed(aiohttp_client, sqlite_database):
    load(sqlite_database, kim())
    client = await gateway_on(aiohttp_client, sqlite_database)
    socket = await client.ws_connect("/api/v1/chat/ws", headers=bearer("b-9001"))
    report = one_pass(sqlite_database, morning())
    answer = await client.post("/api/v1/wallet/outreach/delivered",
                               json={"contact_ids": [d.contact_id for d in report.delivered]},
                               headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})
    assert (answer.status, await answer.json()) == (200, {"published": 1})
    event = await socket.receive_json(timeout=5)
    assert (event["from"], event["kind"]) == ("bot", "outreach") and "L-9001" in event["text"]
    await socket.close()
    refused = await client.post("/api/v1/wallet/outreach/delivered", json={"contact_ids": [1]},
                                headers=bearer("b-9001"))
    assert refused.status == 401
    malformed = await client.post("/api/v1/wallet/outreach/delivered", json={"contact_ids": "1"},
                                  headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})
    assert malformed.status == 400


async def test_the_agent_view_lists_contacts_and_the_segment(aiohttp_client, sqlite_database):
    load(sqlite_database, kim())
    one_pass(sqlite_database, morning())
    with sqlite_database.transaction() as session:
        session.get(Borrower, "b-9001").contact_opt_out_at = morning(1)
        session.add(Agent(username="sue", password_hash="$2b$12$x", role="supervisor"))
    one_pass(sqlite_database, morning(8))  # D+15, held back: the borrower opted out
    client = await gateway_on(aiohttp_client, sqlite_database)
    view = await (await client.get("/api/v1/agent/borrowers/b-9001", headers={
        "Authorization": f"Bearer {issue_agent_token(AGENT_SECRET, 'sue')}"})).json()
    held, sent = view["contacts"]
    assert (sent["stage"], sent["status"], sent["reason"]) == ("D+7", "sent", None)
    assert (held["stage"], held["status"], held["reason"]) == ("D+15", "suppressed", "opted_out")
    assert sent["template"].startswith("D+7/") and sent["at"]
    assert view["loans"][0]["segment"]["name"] == "low/low"


async def test_the_push_is_signed_and_retried_until_the_wallet_takes_it(aiohttp_server, sqlite_database):
    load(sqlite_database, kim())
    received, failures = [], [2]  # the wallet fails twice, then answers

    async def wallet(request: web.Request) -> web.Response:
        body = await request.read()
        if failures[0]:
            failures[0] -= 1
            return web.Response(status=503)
        received.append((request.headers, body))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/push", wallet)
    server = await aiohttp_server(app)
    target = PushTarget(str(server.make_url("/push")), "push-secret")
    loop = asyncio.get_running_loop()
    report, first = await loop.run_in_executor(None, outreach_pass, sqlite_database, load_strategy(),
                                               load_policy(), morning(), target)
    assert (len(report.delivered), first.sent, first.failed) == (1, 0, 1)
    later = datetime.now(tz=zone("UTC")) + timedelta(hours=2)  # past any backoff
    second = await loop.run_in_executor(None, push.push_due, sqlite_database, target, later)
    later += timedelta(hours=2)
    third = await loop.run_in_executor(None, push.push_due, sqlite_database, target, later)
    assert (second.failed, third.sent) == (1, 1)
    [(headers, body)] = received
    expected = hmac.new(b"push-secret", headers["X-Outreach-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-Outreach-Signature"] == f"sha256={expected}"
    assert headers["Idempotency-Key"].startswith("b-9001|L-9001|D+7|")
    assert json.loads(body)["borrower_id"] == "b-9001"
    with sqlite_database.transaction() as session:
        row = session.execute(select(OutreachContact)).scalar_one()
    assert (row.push_status, row.push_attempts) == ("sent", 3)
