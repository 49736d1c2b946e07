"""The chat's protection, through the real gateway in front of a fake Rasa: the per-borrower
rate limit (429 with Retry-After, nothing kept; on an injected clock, no sleeping) and the
back-pressure (with Rasa held, a fast 503 beyond the bound, the message kept for later)."""
from __future__ import annotations

import asyncio
import dataclasses

import pytest
from sqlalchemy import select

from bot.db.models import Conversation
from bot.gateway.app import create_app
from bot.gateway.keys import BACKLOG
from bot.gateway.rate_limit import LocalRateLimiter, TokenBucket
from tests.gateway.support import FakeRasa, audit_events, bearer, messages_of, open_case, settings_for

CHAT = "/api/v1/chat"
HISTORY = "/api/v1/chat/history"


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


async def _post(client, text: str, borrower: str = "b-1"):
    return await client.post(CHAT, json={"text": text}, headers=bearer(borrower))


async def _sent(client, text: str, borrower: str = "b-1") -> dict:
    response = await _post(client, text, borrower)
    body = await response.json()
    assert response.status == 200, body
    return body


def _borrower_texts(database, conversation_id: str) -> list[tuple[str, bool]]:
    return [(m.text, m.delivered) for m in messages_of(database, conversation_id)
            if m.sender == "borrower"]


# The rate limit: 3 at once, then one every 2 s

@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limiter(clock) -> LocalRateLimiter:
    return LocalRateLimiter(TokenBucket(burst=3, interval=2.0), clock)


@pytest.fixture
async def limited(make_gateway, fake_rasa, limiter):
    return await make_gateway(fake_rasa.url, chat_rate=limiter)


async def test_beyond_the_burst_a_429_with_retry_after_and_nothing_kept(limited, fake_rasa, borrowers):
    first = await _sent(limited, "one")
    for text in ("two", "three"):
        await _sent(limited, text)

    response = await _post(limited, "four")
    assert response.status == 429
    assert response.headers["Retry-After"] == "2"
    body = await response.json()
    assert set(body) == {"error"}
    assert "not kept" in body["error"] and "send it again in 2 seconds" in body["error"]

    assert fake_rasa.texts() == ["one", "two", "three"]
    assert _borrower_texts(borrowers, first["conversation_id"]) == [
        ("one", True), ("two", True), ("three", True)]
    history = await (await limited.get(HISTORY, headers=bearer("b-1"))).json()
    assert "four" not in [event["text"] for event in history["events"]]


async def test_after_the_wait_a_message_goes_again(limited, fake_rasa, clock):
    for text in ("one", "two", "three"):
        await _sent(limited, text)
    assert (await _post(limited, "early")).status == 429

    clock.now += 2.0  # the Retry-After, waited out: one token back
    assert (await _sent(limited, "on time"))["messages"] == [{"text": "echo: on time", "buttons": []}]
    clock.now += 1.5  # three quarters of the next one: half a second more
    response = await _post(limited, "too soon")
    assert (response.status, response.headers["Retry-After"]) == (429, "1")
    assert "send it again in 1 second" in (await response.json())["error"]
    clock.now += 0.5
    await _sent(limited, "again")
    assert fake_rasa.texts() == ["one", "two", "three", "on time", "again"]


async def test_another_borrower_is_unaffected(limited, fake_rasa):
    for text in ("one", "two", "three"):
        await _sent(limited, text, "b-1")
    assert (await _post(limited, "four", "b-1")).status == 429
    for text in ("uno", "dos", "tres"):
        await _sent(limited, text, "b-2")
    assert (await _post(limited, "cuatro", "b-2")).status == 429


async def test_a_refused_first_message_starts_no_conversation(limited, limiter, borrowers):
    for _ in range(3):  # b-2's tokens spent elsewhere (another gateway, say)
        assert await limiter.check("b-2") is None
    assert (await _post(limited, "hello", "b-2")).status == 429
    with borrowers.transaction() as session:
        assert session.execute(
            select(Conversation).where(Conversation.borrower_id == "b-2")).first() is None
    assert audit_events(borrowers, "conversation_started") == []


async def test_a_malformed_message_spends_no_token(limited):
    for _ in range(5):
        response = await limited.post(CHAT, data=b"not json", headers=bearer("b-1"))
        assert response.status == 400
    for text in ("one", "two", "three"):
        await _sent(limited, text)


# Back-pressure: at most 2 in flight

class HeldRasa(FakeRasa):
    """The fake Rasa, holding every message until `release`."""

    def __init__(self, database) -> None:
        super().__init__(database)
        self.gate = asyncio.Event()

    async def _pause_for(self, text: str) -> None:
        await self.gate.wait()

    def release(self) -> None:
        self.gate.set()


@pytest.fixture
async def held_rasa(aiohttp_server, borrowers) -> HeldRasa:
    fake = HeldRasa(borrowers)
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")
    yield fake
    fake.release()  # nothing left hanging at teardown


@pytest.fixture
async def bounded(aiohttp_client, borrowers, held_rasa):
    settings = dataclasses.replace(settings_for(borrowers.url, held_rasa.url),
                                   chat_max_in_flight=2, chat_rate_interval=0)
    return await aiohttp_client(create_app(settings, borrowers))


async def _until(condition, timeout: float = 5.0) -> None:
    async def polled() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(polled(), timeout)


async def test_beyond_the_bound_a_fast_503_the_message_kept_and_answered_next(bounded, held_rasa, borrowers):
    backlog = bounded.app[BACKLOG]
    assert (backlog.depth, backlog.limit) == (0, 2)
    first = asyncio.create_task(_post(bounded, "first", "b-1"))
    second = asyncio.create_task(_post(bounded, "second", "b-2"))
    await _until(lambda: sum(held_rasa.in_flight.values()) == 2)
    assert backlog.depth == 2

    # Rasa still holds both: the answer comes at once, not after Rasa's 30 s timeout.
    response = await asyncio.wait_for(_post(bounded, "third", "b-1"), timeout=2)
    assert response.status == 503
    assert response.headers["Retry-After"] == "5"
    body = await response.json()
    assert set(body) == {"error", "conversation_id"}
    assert "your message is kept" in body["error"] and "do not send it again" in body["error"]
    assert _borrower_texts(borrowers, body["conversation_id"]) == [("first", False), ("third", False)]
    assert (backlog.depth, backlog.refused) == (2, 1)
    assert held_rasa.texts().count("third") == 0

    held_rasa.release()
    for task in (first, second):
        assert (await task).status == 200
    assert backlog.depth == 0

    # The next message takes the kept one along, in order, each answered once.
    reply = await _sent(bounded, "fourth", "b-1")
    assert [m["text"] for m in reply["messages"]] == ["echo: third", "echo: fourth"]
    to_rasa = [sent["message"] for sent in held_rasa.received
               if sent["sender"] == reply["conversation_id"]]
    assert to_rasa == ["first", "third", "fourth"]
    assert _borrower_texts(borrowers, reply["conversation_id"]) == [
        ("first", True), ("third", True), ("fourth", True)]
    assert backlog.depth == 0


async def test_with_a_person_on_the_chat_nothing_is_held_back(bounded, held_rasa, borrowers):
    open_case(borrowers, "b-2")  # b-2's conversation is with an agent: no Rasa
    first = asyncio.create_task(_post(bounded, "first", "b-1"))
    second = asyncio.create_task(_post(bounded, "second", "b-1"))  # waits for first's turn
    await _until(lambda: bounded.app[BACKLOG].depth == 2)

    body = await _sent(bounded, "hello agent", "b-2")
    assert (body["status"], body["messages"]) == ("handoff", [])
    assert _borrower_texts(borrowers, body["conversation_id"]) == [("hello agent", True)]

    held_rasa.release()
    assert [(await task).status for task in (first, second)] == [200, 200]
    assert bounded.app[BACKLOG].depth == 0


async def test_the_bot_unreachable_leaves_nothing_in_flight(offline_gateway):
    response = await _post(offline_gateway, "hi")
    assert response.status == 503
    assert offline_gateway.app[BACKLOG].depth == 0
