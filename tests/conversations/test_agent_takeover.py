"""An agent takes a chat over from the real bot and hands it back: Rasa is paused while the
agent has it, resumed on release (and greets the borrower), and answers again after."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from bot.auth.agents import add_agent
from bot.db import Database
from tests.builders import bill, borrower, load
from tests.conversations.conftest import Chat

pytestmark = pytest.mark.conversation

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def borrower_and_agent(stack) -> str:
    database = Database(stack.database_url)
    load(database, borrower("b-4001", "Ruth Hale", "en", "Europe/London").loan(
        "L-4001", "GBP", "500.00", bill(-12, "250.00", interest="7.50"), bill(18, "250.00")))
    with database.transaction() as session:
        add_agent(session, "maria", PASSWORD)
    database.dispose()
    return "b-4001"


class Console:
    """What the agent console does, through the agent API."""

    def __init__(self, stack) -> None:
        self.gateway = stack.gateway
        status, body = self.call("POST", "/api/v1/agent/login", {"username": "maria", "password": PASSWORD})
        assert status == 200, body
        self.token = body["token"]

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        headers = {"Content-Type": "application/json"}
        if getattr(self, "token", None):
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.gateway + path, method=method, headers=headers,
                                         data=None if body is None else json.dumps(body).encode())
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def case_of(self, borrower_id: str) -> dict:
        status, queue = self.call("GET", "/api/v1/agent/handoffs?status=open")
        [case] = [c for c in queue if c["borrower_id"] == borrower_id]
        return case


def history(chat: Chat) -> list[tuple[str, str]]:
    status, body = chat.request("GET", "/api/v1/chat/history")
    return [(event["from"], event["text"]) for event in body["events"]]


def test_an_agent_takes_over_and_hands_back_to_the_bot(stack, borrower_and_agent):
    ruth, console = Chat(stack, borrower_and_agent), Console(stack)
    ruth.say("I want to talk to a real person")
    case = console.case_of("b-4001")
    assert (case["reason"], case["priority"], case["language"]) == ("human_requested", 4, "en")
    assert "L-4001 GBP 257.50 overdue, 12 days past due" in case["summary"]

    assert console.call("POST", f"/api/v1/agent/handoffs/{case['id']}/claim")[0] == 200
    assert console.call("POST", f"/api/v1/agent/handoffs/{case['id']}/messages",
                        {"text": "Hello Ruth, this is Maria. How can I help?"})[0] == 201
    assert ruth.say("can I pay on Friday?") == []  # with the agent: the bot says nothing
    assert history(ruth)[-2:] == [("agent", "Hello Ruth, this is Maria. How can I help?"),
                                  ("borrower", "can I pay on Friday?")]

    status, released = console.call("POST", f"/api/v1/agent/handoffs/{case['id']}/release")
    assert status == 200 and released["outcome"] == "released"
    greeting = history(ruth)[-1]
    assert greeting[0] == "bot" and "back" in greeting[1].lower()
    replies = ruth.say("how much do I owe?")  # the real bot answers again, same conversation
    assert any("257.50" in reply for reply in replies), replies


def test_an_agent_closes_a_chat_and_the_next_message_starts_afresh(stack, borrower_and_agent):
    ruth, console = Chat(stack, borrower_and_agent), Console(stack)
    status, first = ruth.request("POST", "/api/v1/chat", {"text": "let me talk to a human"})
    case = console.case_of("b-4001")
    status, closed = console.call("POST", f"/api/v1/agent/handoffs/{case['id']}/close")
    assert status == 200 and closed["outcome"] == "closed"
    assert console.call("POST", f"/api/v1/agent/handoffs/{case['id']}/release")[0] == 409
    status, later = ruth.request("POST", "/api/v1/chat", {"text": "how much do I owe?"})
    assert later["conversation_id"] != first["conversation_id"] and later["status"] == "bot"
    assert any("257.50" in m["text"] for m in later["messages"])
