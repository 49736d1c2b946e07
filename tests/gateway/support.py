"""Helpers for the gateway tests: tokens, settings, a closed port, the fake Rasa upstream,
a handoff for a borrower (an agent reads a borrower only with one), and reading the database
back."""
from __future__ import annotations

import asyncio
import socket
import uuid
from collections import defaultdict
from datetime import date, timedelta

from aiohttp import web
from sqlalchemy import select

from bot.auth.borrower_tokens import issue_borrower_token
from bot.db.models import AuditEvent, Conversation, Message
from bot.handoffs import casework
from bot.handoffs.opening import hand_over, open_handoff
from bot.runtime.settings import Settings
from tests.builders import bill, borrower

SECRET = "gateway-test-secret-0123456789abcdef"
RASA_TOKEN = "gateway-test-rasa-token"
BORROWERS = (
    borrower("b-1", "王伟", "zh", "Asia/Shanghai").loan(
        "L-1", "CNY", "3000.00", bill(date(2026, 1, 15), "1000.00")),
    borrower("b-2", "Ann Lee", "en", "UTC"),
)
MENU = [
    {"title": "确认", "payload": "/affirm"},
    {"title": "银行转账", "payload": '/choose_method{"method": "银行"}'},
]


def token(borrower_id: str, ttl: timedelta = timedelta(minutes=5), secret: str = SECRET) -> str:
    return issue_borrower_token(secret, borrower_id, ttl)


def bearer(borrower_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(borrower_id)}"}


def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused for real."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settings_for(database_url: str, rasa_url: str, rasa_token: str = RASA_TOKEN) -> Settings:
    return Settings.from_env({
        "DATABASE_URL": database_url, "WALLET_JWT_SECRET": SECRET,
        "RASA_URL": rasa_url, "RASA_TOKEN": rasa_token,
    })


class FakeRasa:
    """A tiny stand-in for Rasa behind bot/rasa/channel.py's GatewayInput, on a real loopback port:
    `POST /webhooks/gateway/webhook` with `Authorization: Bearer <RASA_TOKEN>` and
    `{"sender", "message", "metadata"}` answers a list of `{"recipient_id", "text", "buttons"}`.

    It checks the gateway's side of that contract only. The full-stack tests, with the real
    trained Rasa model and action server, live elsewhere (the `conversation`-marked suite).

    Replies: "menu" → a Simplified reply with buttons (plus an image and a custom payload the
    gateway must drop); text with 欠 → a Simplified balance line with a button; "slow…" →
    answers after 0.3 s; "hang" → after 2 s; "human" → opens a handoff in the database first,
    as the handoff action does; anything else → "echo: <text>".

    Rasa's HTTP API, as the gateway uses it to hand a conversation back (`?token=`):
    `POST /conversations/{id}/tracker/events` (recorded in `.events`) and
    `POST /conversations/{id}/trigger_intent` (recorded in `.triggered`; answers a greeting).
    """

    def __init__(self, database) -> None:
        self.database = database
        self.received: list[dict] = []
        self.down = False  # True: answers 500, as the channel does when handling fails
        self.in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight_total = 0
        self.events: list[tuple[str, list]] = []
        self.triggered: list[tuple[str, str]] = []
        self.api_down = False  # True: the HTTP API answers 500

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/gateway/webhook", self.webhook)
        app.router.add_post("/conversations/{id}/tracker/events", self.append_events)
        app.router.add_post("/conversations/{id}/trigger_intent", self.trigger_intent)
        app.router.add_get("/", self.hello)
        return app

    async def append_events(self, request: web.Request) -> web.Response:
        refused = self._refuse_api(request)
        if refused is not None:
            return refused
        self.events.append((request.match_info["id"], await request.json()))
        return web.json_response({"sender_id": request.match_info["id"]})

    async def trigger_intent(self, request: web.Request) -> web.Response:
        refused = self._refuse_api(request)
        if refused is not None:
            return refused
        sender, name = request.match_info["id"], (await request.json())["name"]
        self.triggered.append((sender, name))
        return web.json_response({"tracker": {}, "messages": [
            {"recipient_id": sender, "text": "您好，我是智能助手，又回来为您服务了。"}]})

    def _refuse_api(self, request: web.Request) -> web.Response | None:
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"error": "unauthorised"}, status=401)
        if self.api_down:
            return web.json_response({"error": "down"}, status=500)
        return None

    async def hello(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: fake")

    async def webhook(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {RASA_TOKEN}":
            return web.json_response({"error": "unauthorised"}, status=401)
        if self.down:
            return web.json_response({"error": "the bot could not handle the message"}, status=500)
        body = await request.json()
        sender, text = body["sender"], body["message"]
        self._enter(sender)
        try:
            self.received.append(body)
            await self._pause_for(text)
            if text == "human":
                await asyncio.to_thread(self._hand_over, sender)
            return web.json_response(self.replies(sender, text))
        finally:
            self.in_flight[sender] -= 1

    def replies(self, sender: str, text: str) -> list[dict]:
        if text == "menu":
            return [
                {"recipient_id": sender, "text": "请选择", "buttons": MENU},
                {"recipient_id": sender, "image": "https://example.com/a.png"},
                {"recipient_id": sender, "custom": {"kind": "card"}},
                {"recipient_id": sender, "text": "  "},
            ]
        if "欠" in text:
            return [{"recipient_id": sender, "text": "您还欠款 1095.00 元，请选择还款方式",
                     "buttons": [MENU[1]]}]
        return [{"recipient_id": sender, "text": f"echo: {text}"}]

    def texts(self) -> list[str]:
        return [body["message"] for body in self.received]

    def _enter(self, sender: str) -> None:
        self.in_flight[sender] += 1
        self.max_in_flight[sender] = max(self.max_in_flight[sender], self.in_flight[sender])
        self.max_in_flight_total = max(self.max_in_flight_total, sum(self.in_flight.values()))

    @staticmethod
    async def _pause_for(text: str) -> None:
        if text.startswith("slow"):
            await asyncio.sleep(0.3)
        elif text == "hang":
            await asyncio.sleep(2)

    def _hand_over(self, conversation_id: str) -> None:
        with self.database.transaction() as session:
            borrower_id = session.get(Conversation, conversation_id).borrower_id
            hand_over(session, conversation_id, borrower_id, "human_requested")


def open_case(database, borrower_id: str, claimed_by: str | None = None) -> int:
    """A new conversation of the borrower's, handed over (and claimed by `claimed_by`, if
    given); the handoff's id."""
    with database.transaction() as session:
        conversation = Conversation(id=f"case-{borrower_id}-{uuid.uuid4().hex[:8]}", borrower_id=borrower_id)
        session.add(conversation)
        session.flush()
        handoff = open_handoff(session, conversation.id, borrower_id, "human_requested")
        if claimed_by is not None:
            casework.claim(session, handoff.id, claimed_by)
        return handoff.id


def messages_of(database, conversation_id: str) -> list[Message]:
    with database.transaction() as session:
        return list(session.execute(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
        ).scalars())


def audit_events(database, action: str | None = None) -> list[AuditEvent]:
    with database.transaction() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return list(session.execute(query).scalars())
