"""`python -m bot gateway` (serve): it answers on GATEWAY_PORT, its log holds no token, what
aiohttp's parser refuses is JSON without an ERROR, and SIGTERM stops it cleanly."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from tests.gateway.support import SECRET, closed_port, token

ROOT = Path(__file__).resolve().parents[2]


async def test_serve_answers_and_never_logs_a_query_token(tmp_path):
    secret_token = token("b-1")
    async with _served(tmp_path) as (http, process):
        health = await _wait_for_health(http, process)
        assert health == {"status": "ok", "rasa": False, "database": True}
        async with http.get("/api/v1/chat/ws", params={"token": secret_token}) as response:
            assert response.status == 401  # b-1 is not in this empty database
    output = (tmp_path / "gateway.log").read_text()
    assert "/api/v1/chat/ws" in output  # the access log is on
    assert secret_token not in output and "token=" not in output


async def test_serve_answers_a_huge_header_in_json_and_stops_cleanly(tmp_path):
    async with _served(tmp_path) as (http, process):
        await _wait_for_health(http, process)
        async with http.get("/api/v1/chat/history", headers={"X-Probe": "a" * 9000}) as response:
            assert (response.status, response.content_type) == (400, "application/json")
            assert await response.json() == {"error": "the request line or a header is too long"}
    assert process.returncode == 0  # SIGTERM: shut down, not killed
    output = (tmp_path / "gateway.log").read_text()
    assert "WARNING bot.gateway.errors unreadable request: LineTooLong" in output
    assert " ERROR " not in output and "Traceback" not in output


async def test_serve_logs_json_lines_with_the_token_masked(tmp_path):
    secret_token = token("b-1")
    async with _served(tmp_path, log_format="json") as (http, process):
        await _wait_for_health(http, process)
        async with http.get("/api/v1/chat/history", headers={"Authorization": f"Bearer {secret_token}"}):
            pass
    lines = [json.loads(line) for line in (tmp_path / "gateway.log").read_text().splitlines()]
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    [access] = [line for line in lines if line.get("route") == "/api/v1/chat/history"]
    assert (access["logger"], access["status"], access["method"]) == ("aiohttp.access", 401, "GET")
    assert secret_token not in json.dumps(lines)


@asynccontextmanager
async def _served(tmp_path: Path, log_format: str = "text"
                  ) -> AsyncIterator[tuple[aiohttp.ClientSession, subprocess.Popen]]:
    """The gateway in a process of its own, logging to tmp_path/gateway.log (LOG_FORMAT
    `log_format`: unset, a file gets JSON lines); terminated (SIGTERM) at the end of the block."""
    port = closed_port()
    env = {**os.environ, "GATEWAY_PORT": str(port), "WALLET_JWT_SECRET": SECRET, "LOG_FORMAT": log_format,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.sqlite3'}",
           "RASA_URL": f"http://127.0.0.1:{closed_port()}"}
    with (tmp_path / "gateway.log").open("w+") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot", "gateway"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
                yield http, process
        finally:
            process.terminate()
            process.wait(timeout=15)


async def _wait_for_health(http: aiohttp.ClientSession, process: subprocess.Popen) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the gateway exited"
        try:
            async with http.get("/healthz") as response:
                return await response.json()
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.2)
    raise AssertionError("the gateway did not start")
