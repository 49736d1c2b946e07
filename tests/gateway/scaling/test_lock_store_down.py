"""Redis down under the real bot: Rasa with the test model and its lock store in Redis
(bot/rasa/lock_store.py), the action server, and the gateway with the same REDIS_URL, as the
supervisor's scaled topology starts them, on a Redis of the test's own. Redis is stopped
mid-conversation; the borrower's messages get 503s (kept, Retry-After), `/readyz` says Redis is
down; Redis is started again on its port, and the borrower's next message has every kept one
answered with it: each once, in order, in the transcript and in Rasa's tracker."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
import redis

from bot.db import Database
from tests.builders import alice, load
from tests.conversations.conftest import Chat
from tests.redis_server import RedisServer
from tests.stack import TEST_MODEL, Stack

pytestmark = pytest.mark.conversation


@dataclass
class ScaledStack(Stack):
    """The gateway shares Rasa's Redis (REDIS_URL), as every child of the scaled topology does."""

    def environment(self) -> dict[str, str]:
        env = super().environment()
        env["REDIS_URL"] = self.redis_url or ""
        return env


@pytest.fixture
def stack(tmp_path, own_redis: RedisServer):
    if not TEST_MODEL.exists():
        pytest.fail(f"no test model at {TEST_MODEL}: run `make test-model`")
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    database = Database(url)
    database.upgrade()
    load(database, alice())
    database.dispose()
    running = ScaledStack(database_url=url, log_dir=tmp_path / "logs", redis_url=own_redis.url).start()
    yield running
    running.stop()


def readiness(stack: Stack) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{stack.gateway}/readyz", timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def user_texts(stack: Stack, conversation_id: str) -> list[str]:
    """What Rasa's tracker says the borrower wrote, in its order."""
    url = (f"{stack.rasa}/conversations/{conversation_id}/tracker?token={stack.rasa_token}"
           "&include_events=ALL")
    with urllib.request.urlopen(url, timeout=30) as answer:
        events = json.loads(answer.read())["events"]
    return [event["text"] for event in events if event["event"] == "user"]


def test_messages_sent_while_redis_is_down_are_answered_once_in_order_when_it_is_back(
        stack, own_redis):
    chat = Chat(stack, "b-2001")
    status, first = chat.request("POST", "/api/v1/chat", {"text": "hi"})
    assert status == 200, first
    conversation = first["conversation_id"]

    own_redis.stop()
    kept = ["how much do I owe?", "when is my payment due?"]
    for text in kept:
        status, body = chat.request("POST", "/api/v1/chat", {"text": text})
        assert status == 503, body
        assert body["conversation_id"] == conversation and "your message is kept" in body["error"]
    status, ready = readiness(stack)
    assert (status, ready["down"]) == (503, ["redis"])
    status, history = chat.request("GET", "/api/v1/chat/history")
    assert status == 200 and [e["text"] for e in history["events"] if e["from"] == "borrower"] == [
        "hi", *kept]

    own_redis.start_again()
    deadline = time.monotonic() + 30
    while readiness(stack)[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert readiness(stack) == (200, {"status": "ready", "rasa": True, "actions": True,
                                      "database": True, "redis": True})
    status, body = chat.request("POST", "/api/v1/chat", {"text": "thanks"})
    assert status == 200, body
    replies = [message["text"] for message in body["messages"]]
    balance = next(i for i, text in enumerate(replies) if "is overdue" in text)
    due = next(i for i, text in enumerate(replies) if "was due on" in text)
    assert replies[0].startswith("Loan L-2001: SGD 538.25 is overdue") and balance < due

    status, history = chat.request("GET", "/api/v1/chat/history")
    said = [e["text"] for e in history["events"] if e["from"] == "borrower"]
    assert said == ["hi", *kept, "thanks"]  # each once, in order
    assert user_texts(stack, conversation) == ["hi", *kept, "thanks"]  # and so Rasa saw them
    with redis.Redis.from_url(own_redis.url) as store:  # Rasa's lock store GETs its locks, the gateway never
        assert store.info("commandstats").get("cmdstat_get", {}).get("calls", 0) > 0
