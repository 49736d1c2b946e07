"""Every API response, success or error, says `Cache-Control: no-store` and
`X-Content-Type-Options: nosniff`; the console page keeps its own headers."""
from __future__ import annotations

import pytest

from tests.gateway.support import bearer

API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def assert_api_headers(response) -> None:
    assert {name: response.headers.get(name) for name in API_HEADERS} == API_HEADERS


# Tokens are made when each test runs (`signed`), not when the file is collected: they live
# five minutes, and a long run reaches this file later than that.
@pytest.mark.parametrize("method, path, signed, body, status", [
    ("POST", "/api/v1/chat", True, {"text": "hello"}, 200),
    ("GET", "/api/v1/chat/history", True, None, 200),
    ("GET", "/api/v1/chat/history", False, None, 401),
    ("POST", "/api/v1/chat", True, {"text": ""}, 400),
    ("GET", "/api/v1/chat", True, None, 405),
    ("GET", "/api/v1/nothing/here", False, None, 404),
    ("POST", "/api/v1/agent/login", False, {"username": "nobody", "password": "x"}, 401),
    ("GET", "/api/v1/agent/handoffs", True, None, 401),
])
async def test_api_responses_are_neither_cached_nor_sniffed(gateway, method, path, signed, body, status):
    headers = bearer("b-1") if signed else {}
    response = await gateway.request(method, path, headers=headers, json=body)
    assert response.status == status
    assert response.content_type == "application/json"
    assert_api_headers(response)


async def test_the_503_of_an_unreachable_bot_has_them_too(offline_gateway):
    response = await offline_gateway.post("/api/v1/chat", json={"text": "hi"}, headers=bearer("b-1"))
    assert response.status == 503
    assert_api_headers(response)


async def test_the_websocket_handshake_has_them_too(gateway):
    async with gateway.ws_connect("/api/v1/chat/ws", headers=bearer("b-1")) as socket:
        assert_api_headers(socket._response)  # the handshake's (aiohttp 3.9 has no public name)


async def test_the_console_keeps_its_own_headers(gateway):
    page = await gateway.get("/agent")
    assert page.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in page.headers
    script = await gateway.get("/agent/static/console.js")
    assert script.headers["Cache-Control"] == "no-cache"  # not the API's no-store
