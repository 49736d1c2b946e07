"""The gateway's own server (bot/gateway/server.py) on a real loopback socket: what aiohttp's
HTTP parser refuses before any handler runs is JSON `{"error": ...}` too, and a client's
mistake is no ERROR in the log."""
from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest
from aiohttp import web

from bot.gateway.access_log import AccessLog
from bot.gateway.app import create_app
from bot.gateway.server import GatewayRunner
from tests.gateway.support import bearer, closed_port, settings_for

TOO_LONG = "the request line or a header is too long"
MALFORMED = "the request is malformed"
HUGE = "a" * 9000  # aiohttp's limit for a line or a header is 8,190 bytes


@pytest.fixture
async def served(borrowers):
    """(host, port) of the gateway on GatewayRunner, as `serve` runs it; Rasa is unreachable."""
    app = create_app(settings_for(borrowers.url, f"http://127.0.0.1:{closed_port()}"), borrowers)
    runner = GatewayRunner(app, access_log_class=AccessLog)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield runner.addresses[0][:2]
    await runner.cleanup()


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


async def exchange(address: tuple[str, int], request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Sends raw bytes; the status, headers (lower-cased names) and body of the answer."""
    reader, writer = await asyncio.open_connection(*address)
    writer.write(request)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 5)  # the server closes after an error
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


def assert_json_error(status: int, headers: dict, body: bytes, expected: str) -> None:
    assert status == 400
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body) == {"error": expected}
    assert (headers["cache-control"], headers["x-content-type-options"]) == ("no-store", "nosniff")


def assert_no_error_logged(log) -> None:
    assert [r for r in log.records if r.levelno >= logging.ERROR] == []
    assert not any(r.exc_info for r in log.records)
    assert any(r.levelno == logging.WARNING and "unreadable request" in r.getMessage()
               for r in log.records)


@pytest.mark.parametrize("request_bytes", [
    f"GET /api/v1/chat/history HTTP/1.1\r\nHost: x\r\nX-Probe: {HUGE}\r\n\r\n".encode(),
    f"GET /api/v1/chat/history?q={HUGE} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
    f"GET /api/v1/chat/history HTTP/1.1\r\nHost: x\r\nX-{HUGE}: 1\r\n\r\n".encode(),
], ids=["header value", "url", "header name"])
async def test_a_line_or_header_over_the_limit_is_json_400(served, log, request_bytes):
    assert_json_error(*await exchange(served, request_bytes), TOO_LONG)
    assert_no_error_logged(log)


@pytest.mark.parametrize("request_bytes", [
    b"NOT HTTP AT ALL\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
    b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
], ids=["not http", "header without a colon", "broken chunk"])
async def test_a_request_that_is_not_http_is_json_400(served, log, request_bytes):
    assert_json_error(*await exchange(served, request_bytes), MALFORMED)
    assert_no_error_logged(log)


async def test_a_client_sending_a_huge_header_reads_json(served, log):
    host, port = served
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://{host}:{port}/api/v1/chat/history",
                 headers={**bearer("b-1"), "X-Probe": HUGE}) as response,
    ):
        assert response.status == 400
        assert response.content_type == "application/json"
        assert await response.json() == {"error": TOO_LONG}
    assert_no_error_logged(log)


async def test_requests_within_the_limits_are_served_as_before(served):
    host, port = served
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://{host}:{port}/api/v1/chat/history",
                 headers={**bearer("b-1"), "X-Probe": "a" * 8000}) as response,
    ):
        assert response.status == 200
        assert (await response.json())["events"] == []


async def test_a_client_leaving_before_its_body_is_no_error(served, log):
    reader, writer = await asyncio.open_connection(*served)
    authorization = bearer("b-1")["Authorization"]
    writer.write(f"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nAuthorization: {authorization}\r\n"
                 f"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"te".encode())
    await writer.drain()
    await asyncio.sleep(0.3)  # the handler is reading the body
    writer.close()
    for _ in range(50):
        if any("client gone" in r.getMessage() for r in log.records):
            break
        await asyncio.sleep(0.1)
    assert any(r.levelno == logging.INFO and "client gone" in r.getMessage() for r in log.records)
    assert [r for r in log.records if r.levelno >= logging.ERROR] == []
