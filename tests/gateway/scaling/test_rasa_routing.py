"""Several Rasa instances behind the gateway (RASA_URLS): each conversation goes to one
instance by rendezvous hashing, conversations spread over the instances, one that is killed
loses its conversations to the others until it is back, and no message is lost or sent twice
on the way. Fake Rasas on real loopback ports (tests/gateway/support.py)."""
from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from aiohttp.test_utils import TestServer

from bot.gateway.app import create_app
from bot.gateway.rasa_client import BotUnavailable, RasaClient, rendezvous_order
from bot.runtime.settings import Settings
from tests.gateway.support import RASA_TOKEN, SECRET, FakeRasa, bearer, closed_port

CONVERSATIONS = [f"conv-{n}" for n in range(60)]


class Fleet:
    """Fake Rasa instances, each on its own port, that can be stopped and started again there."""

    def __init__(self, database, count: int) -> None:
        self.fakes = [FakeRasa(database) for _ in range(count)]
        self.servers: list[TestServer | None] = [None] * count
        self.ports = [0] * count

    async def start(self, index: int) -> None:
        server = TestServer(self.fakes[index].app(), port=self.ports[index] or None)
        await server.start_server()
        self.servers[index], self.ports[index] = server, server.port

    async def stop(self, index: int) -> None:
        server = self.servers[index]
        assert server is not None
        await server.close()
        self.servers[index] = None

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def holder(self, url: str) -> FakeRasa:
        return self.fakes[self.urls.index(url)]

    def received_by(self) -> dict[str, list[int]]:
        """For each conversation, the fakes (by index) its messages reached, in order."""
        seen: dict[str, list[int]] = {}
        for index, fake in enumerate(self.fakes):
            for body in fake.received:
                seen.setdefault(body["sender"], []).append(index)
        return seen

    def texts_of(self, conversation: str) -> list[str]:
        return sorted((body["message"] for fake in self.fakes for body in fake.received
                       if body["sender"] == conversation), key=lambda text: int(text.split()[-1]))

    async def close(self) -> None:
        for index, server in enumerate(self.servers):
            if server is not None:
                await self.stop(index)


@pytest.fixture
async def fleet(borrowers):
    fleet = Fleet(borrowers, 3)
    for index in range(3):
        await fleet.start(index)
    yield fleet
    await fleet.close()


@pytest.fixture
async def client(fleet):
    client = RasaClient(fleet.urls, RASA_TOKEN, timeout=5, down_for=0.3)
    yield client
    await client.close()


def test_rendezvous_order_is_stable_and_adding_an_instance_moves_few_conversations():
    urls = [f"http://rasa-{n}:5005" for n in range(4)]
    first = {c: rendezvous_order(c, urls)[0] for c in map(str, range(2000))}
    assert first == {c: rendezvous_order(c, list(reversed(urls)))[0] for c in first}  # any listing order
    assert min(Counter(first.values()).values()) > 2000 / 4 * 0.8  # spread evenly
    grown = {c: rendezvous_order(c, [*urls, "http://rasa-4:5005"])[0] for c in first}
    moved = [c for c in first if grown[c] != first[c]]
    assert all(grown[c] == "http://rasa-4:5005" for c in moved)  # only to the new one
    assert len(moved) < 2000 / 5 * 1.25
    # Removing one moves only its own conversations, each to its next in order.
    shrunk = {c: rendezvous_order(c, urls[1:])[0] for c in first}
    assert all(shrunk[c] == first[c] for c in first if first[c] != urls[0])
    assert all(shrunk[c] == rendezvous_order(c, urls)[1] for c in first if first[c] == urls[0])


async def test_a_conversation_always_goes_to_the_same_instance_and_they_share_the_load(fleet, client):
    for round_ in range(3):
        await asyncio.gather(*(client.send(c, f"hello {round_}", {}) for c in CONVERSATIONS))
    seen = fleet.received_by()
    assert set(seen) == set(CONVERSATIONS)
    assert all(len(set(indexes)) == 1 and len(indexes) == 3 for indexes in seen.values())
    load = Counter(indexes[0] for indexes in seen.values())
    assert sorted(load) == [0, 1, 2] and min(load.values()) >= 8, load
    for conversation in CONVERSATIONS:  # as the client says it routes
        assert fleet.urls[seen[conversation][0]] == client.instance_for(conversation)


async def test_a_killed_instance_loses_its_conversations_and_gets_them_back(fleet, client):
    home = {c: client.instance_for(c) for c in CONVERSATIONS}
    await asyncio.gather(*(client.send(c, "message 0", {}) for c in CONVERSATIONS))
    await fleet.stop(1)
    victims = [c for c in CONVERSATIONS if home[c] == fleet.urls[1]]
    assert victims
    # Every message is answered: a refused connection is retried on the next instance.
    for n in (1, 2):
        await asyncio.gather(*(client.send(c, f"message {n}", {}) for c in CONVERSATIONS))
    assert client.down() == [fleet.urls[1]]
    for conversation in victims:  # moved to their second choice, and kept there
        second = rendezvous_order(conversation, fleet.urls)[1]
        assert [b["message"] for b in fleet.holder(second).received if b["sender"] == conversation] == [
            "message 1", "message 2"]
    assert all(client.instance_for(c) == home[c] for c in CONVERSATIONS if c not in victims)

    await fleet.start(1)  # back on its port
    await asyncio.sleep(0.35)  # the time it is passed over runs out; the next call probes it
    await asyncio.gather(*(client.send(c, "message 3", {}) for c in CONVERSATIONS))
    assert client.down() == []
    back = [b["sender"] for b in fleet.fakes[1].received if b["message"] == "message 3"]
    assert sorted(back) == sorted(victims)
    for conversation in CONVERSATIONS:  # none lost, none sent twice
        assert fleet.texts_of(conversation) == [f"message {n}" for n in range(4)]


async def test_handing_back_goes_to_the_instance_of_the_conversation(fleet, client):
    await fleet.stop(0)
    for conversation in CONVERSATIONS[:20]:
        await client.send(conversation, "hi", {})
        await client.resume(conversation)
        assert await client.greet_back(conversation)
        [instance] = {i for i, fake in enumerate(fleet.fakes)
                      if any(b["sender"] == conversation for b in fake.received)}
        assert [c for c, _ in fleet.fakes[instance].events if c == conversation] == [conversation]
        assert (conversation, "EXTERNAL_handed_back") in fleet.fakes[instance].triggered


async def test_a_message_that_may_have_reached_rasa_is_not_sent_to_another(fleet, borrowers):
    client = RasaClient(fleet.urls, RASA_TOKEN, timeout=0.5, down_for=30)
    try:
        conversation = CONVERSATIONS[0]
        home = client.instance_for(conversation)
        with pytest.raises(BotUnavailable, match="did not answer in time"):
            await client.send(conversation, "hang", {})
        assert sum(b["message"] == "hang" for f in fleet.fakes for b in f.received) == 1
        assert client.down() == [home]  # the next message goes elsewhere
        await client.send(conversation, "next", {})
        assert client.instance_for(conversation) != home
    finally:
        await client.close()


async def test_an_http_error_is_no_reason_to_move(fleet, client):
    conversation = CONVERSATIONS[0]
    fleet.holder(client.instance_for(conversation)).down = True  # answers 500
    with pytest.raises(BotUnavailable, match="HTTP 500"):
        await client.send(conversation, "hi", {})
    assert client.down() == []
    assert sum(len(f.received) for f in fleet.fakes) == 0


async def test_with_every_instance_down_the_bot_is_unavailable_and_comes_back(fleet, client):
    for index in range(3):
        await fleet.stop(index)
    with pytest.raises(BotUnavailable, match="unreachable"):
        await client.send("conv-x", "hi", {})
    assert not await client.is_up()
    await fleet.start(2)
    assert await client.is_up()
    await client.send("conv-x", "hi again", {})  # tried even while every one is passed over
    assert [b["message"] for b in fleet.fakes[2].received] == ["hi again"]


async def test_the_gateway_routes_by_rasa_urls_and_survives_an_instance(fleet, borrowers, aiohttp_client):
    settings = Settings.from_env({"DATABASE_URL": borrowers.url, "WALLET_JWT_SECRET": SECRET,
                                  "RASA_TOKEN": RASA_TOKEN, "RASA_URL": "http://127.0.0.1:1",
                                  "RASA_URLS": ",".join(fleet.urls)})
    assert settings.rasa_instances == tuple(fleet.urls)
    gateway = await aiohttp_client(create_app(settings, borrowers))
    first = await gateway.post("/api/v1/chat", json={"text": "one"}, headers=bearer("b-1"))
    conversation = (await first.json())["conversation_id"]
    [home] = [i for i, fake in enumerate(fleet.fakes) if fake.texts() == ["one"]]
    await fleet.stop(home)
    second = await gateway.post("/api/v1/chat", json={"text": "two"}, headers=bearer("b-1"))
    assert second.status == 200
    assert (await second.json())["messages"][0]["text"] == "echo: two"
    assert sum(f.texts().count("two") for f in fleet.fakes) == 1
    assert [b["sender"] for f in fleet.fakes for b in f.received] == [conversation] * 2
    assert (await (await gateway.get("/healthz")).json())["rasa"] is True


def test_rasa_urls_default_to_rasa_url():
    assert Settings.from_env({"RASA_URL": "http://a:1"}).rasa_instances == ("http://a:1",)
    listed = Settings.from_env({"RASA_URL": "http://a:1", "RASA_URLS": " http://b:2/, http://c:3,,http://b:2"})
    assert listed.rasa_instances == ("http://b:2", "http://c:3")


async def test_one_url_still_works_as_before():
    client = RasaClient(f"http://127.0.0.1:{closed_port()}", RASA_TOKEN)
    try:
        with pytest.raises(BotUnavailable, match="unreachable"):
            await client.send("c", "hi", {})
    finally:
        await client.close()
