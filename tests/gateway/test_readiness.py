"""`/livez` and `/readyz` on a real gateway, with a fake Rasa and a fake action server on real
loopback ports, and a real SQLite database: ready only when all three answer; `/healthz`
unchanged beside them."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web

from bot.gateway.app import create_app
from tests.gateway.support import closed_port, settings_for


@pytest.fixture
async def action_server(aiohttp_server):
    """rasa-sdk's `GET /health`, as the real action server answers it."""
    app = web.Application()
    app.router.add_get("/health", lambda request: web.json_response({"status": "ok"}))
    return await aiohttp_server(app)


@pytest.fixture
def probe(aiohttp_client, borrowers):
    async def make(rasa_url: str, action_port: int):
        settings = replace(settings_for(borrowers.url, rasa_url), action_port=action_port)
        return await aiohttp_client(create_app(settings, borrowers))

    return make


async def test_ready_when_rasa_the_actions_and_the_database_answer(probe, fake_rasa, action_server):
    client = await probe(fake_rasa.url, action_server.port)
    answer = await client.get("/readyz")
    assert answer.status == 200
    assert await answer.json() == {"status": "ready", "rasa": True, "actions": True, "database": True}
    assert (await client.get("/livez")).status == 200


async def test_not_ready_names_what_is_down_and_stays_alive(probe, action_server):
    client = await probe(f"http://127.0.0.1:{closed_port()}", closed_port())
    answer = await client.get("/readyz")
    assert answer.status == 503
    assert await answer.json() == {"error": "not ready: rasa, actions", "down": ["rasa", "actions"],
                                   "rasa": False, "actions": False, "database": True}
    live = await client.get("/livez")
    assert (live.status, await live.json()) == (200, {"status": "ok"})
    health = await client.get("/healthz")  # as before: 200, and no word about the actions
    assert (health.status, await health.json()) == (200, {"status": "ok", "rasa": False, "database": True})


async def test_not_ready_without_the_database(probe, fake_rasa, action_server, borrowers):
    path = Path(borrowers.engine.url.database)
    client = await probe(fake_rasa.url, action_server.port)
    borrowers.dispose()
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)  # an empty file next: no schema
    answer = await client.get("/readyz")
    assert answer.status == 503
    body = await answer.json()
    assert body["down"] == ["database"] and body["database_problem"] == "schema missing"
