"""What the gateway refuses, and how: 401, 400, 413, 404, 405, 500 and a database that is down,
always as JSON `{"error": ...}`. Rasa is unreachable here (a closed loopback port)."""
from __future__ import annotations

import base64
import json
import os
import shutil
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from aiohttp import WSServerHandshakeError

from bot.gateway.app import create_app
from bot.gateway.conversations import Conversations
from tests.gateway.support import SECRET, bearer, closed_port, settings_for, token

CHAT = "/api/v1/chat"
HISTORY = "/api/v1/chat/history"
WS = "/api/v1/chat/ws"
OTHER_SECRET = "another-wallet-secret-0123456789abcdef"
WS_UPGRADE = {
    "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
}


def _no_exp_token() -> str:
    return jwt.encode({"sub": "b-1", "iat": datetime.now(timezone.utc)}, SECRET, algorithm="HS256")


BAD_AUTH = {
    "missing": {},
    "empty bearer": {"Authorization": "Bearer "},
    "not bearer": {"Authorization": f"Basic {token('b-1')}"},
    "malformed": {"Authorization": "Bearer not.a.jwt"},
    "wrong secret": {"Authorization": f"Bearer {token('b-1', secret=OTHER_SECRET)}"},
    "expired": {"Authorization": f"Bearer {token('b-1', ttl=timedelta(minutes=-1))}"},
    "no exp": {"Authorization": f"Bearer {_no_exp_token()}"},
    "unknown borrower": {"Authorization": f"Bearer {token('b-404')}"},
}


async def _error(response, status: int) -> str:
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    body = await response.json()
    assert set(body) >= {"error"} and isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in json.dumps(body)
    return body["error"]


@pytest.mark.parametrize("case", BAD_AUTH)
async def test_chat_refuses_bad_tokens(offline_gateway, case):
    response = await offline_gateway.post(CHAT, json={"text": "hi"}, headers=BAD_AUTH[case])
    await _error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("case", BAD_AUTH)
async def test_history_refuses_bad_tokens(offline_gateway, case):
    await _error(await offline_gateway.get(HISTORY, headers=BAD_AUTH[case]), 401)


@pytest.mark.parametrize("case", BAD_AUTH)
async def test_websocket_refuses_bad_tokens_before_upgrading(offline_gateway, case):
    with pytest.raises(WSServerHandshakeError) as error:
        await offline_gateway.ws_connect(WS, headers=BAD_AUTH[case])
    assert error.value.status == 401
    response = await offline_gateway.get(WS, headers={**WS_UPGRADE, **BAD_AUTH[case]})
    await _error(response, 401)


async def test_websocket_refuses_a_bad_query_token(offline_gateway):
    expired = token("b-1", ttl=timedelta(seconds=-1))
    for query in ({"token": expired}, {"token": ""}, {"token": "garbage"}):
        response = await offline_gateway.get(WS, params=query, headers=WS_UPGRADE)
        await _error(response, 401)


async def test_query_tokens_are_for_the_websocket_only(offline_gateway):
    response = await offline_gateway.post(CHAT, params={"token": token("b-1")}, json={"text": "hi"})
    await _error(response, 401)


@pytest.mark.parametrize("body", [
    b"hello", b"", b'["text"]', b"{}", b'{"text": 5}', b'{"text": null}', b'{"text": "  \\n\\t "}',
])
async def test_malformed_bodies_are_400(offline_gateway, body):
    response = await offline_gateway.post(
        CHAT, data=body, headers={**bearer("b-1"), "Content-Type": "application/json"}
    )
    await _error(response, 400)


async def test_text_over_2000_characters_is_413(offline_gateway):
    response = await offline_gateway.post(CHAT, json={"text": "a" * 2001}, headers=bearer("b-1"))
    assert "2000" in await _error(response, 413)


@pytest.mark.parametrize("text", ["a" * 2000, "还" * 2000])
async def test_2000_characters_pass_validation(offline_gateway, text):
    # Rasa is unreachable, so a valid message ends in the 503 path (and is kept).
    response = await offline_gateway.post(CHAT, json={"text": text}, headers=bearer("b-1"))
    await _error(response, 503)


async def test_a_body_over_64_kib_is_413_json(offline_gateway):
    response = await offline_gateway.post(CHAT, json={"text": "a" * 70_000}, headers=bearer("b-1"))
    assert await _error(response, 413) == "the request body is too large"


async def test_unknown_routes_are_json_404(offline_gateway):
    assert await _error(await offline_gateway.get("/nope"), 404) == "not found"
    await _error(await offline_gateway.get("/api/v1/chat/nope", headers=bearer("b-1")), 404)


async def test_wrong_methods_are_json_405(offline_gateway):
    response = await offline_gateway.get(CHAT, headers=bearer("b-1"))
    assert await _error(response, 405) == "method not allowed"
    assert "POST" in response.headers["Allow"]
    await _error(await offline_gateway.delete(HISTORY), 405)


async def test_a_websocket_route_hit_without_upgrading_is_json(offline_gateway):
    await _error(await offline_gateway.get(WS, headers=bearer("b-1")), 400)


async def test_unexpected_errors_are_json_500_without_details(offline_gateway, monkeypatch):
    async def broken(self, conversation_id):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Conversations, "history", broken)
    response = await offline_gateway.get(HISTORY, headers=bearer("b-1"))
    assert await _error(response, 500) == "internal error"
    assert "secret internals" not in await response.text()


async def test_healthz_says_what_answers(offline_gateway):
    response = await offline_gateway.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "rasa": False, "database": True}


async def test_a_database_that_goes_down_is_503_json(offline_gateway, borrowers):
    path = borrowers.engine.url.database
    borrowers.dispose()
    for leftover in (path, f"{path}-wal", f"{path}-shm"):
        if os.path.exists(leftover):
            os.remove(leftover)
    os.mkdir(path)  # where the file was, now nothing SQLite can open
    try:
        for response in (
            await offline_gateway.post(CHAT, json={"text": "hi"}, headers=bearer("b-1")),
            await offline_gateway.get(HISTORY, headers=bearer("b-1")),
        ):
            assert await _error(response, 503) == "the service is temporarily unavailable"
        health = await (await offline_gateway.get("/healthz")).json()
        assert (health["database"], health["database_problem"]) == (False, "unreachable")
    finally:
        shutil.rmtree(path)


async def test_a_gateway_started_while_the_database_is_down_answers_503(aiohttp_client, tmp_path):
    unopenable = f"sqlite:///{tmp_path}"  # a directory, not a database file
    settings = settings_for(unopenable, f"http://127.0.0.1:{closed_port()}")
    client = await aiohttp_client(create_app(settings))
    response = await client.post(CHAT, json={"text": "hi"}, headers=bearer("b-1"))
    assert await _error(response, 503) == "the service is temporarily unavailable"
    assert (await (await client.get("/healthz")).json())["database"] is False
