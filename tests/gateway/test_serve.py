"""`python -m bot gateway` (serve): it answers on GATEWAY_PORT, and its log holds no token."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from tests.gateway.support import SECRET, closed_port, token

ROOT = Path(__file__).resolve().parents[2]


async def test_serve_answers_and_never_logs_a_query_token(tmp_path):
    port = closed_port()
    env = {**os.environ, "GATEWAY_PORT": str(port), "WALLET_JWT_SECRET": SECRET,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.sqlite3'}",
           "RASA_URL": f"http://127.0.0.1:{closed_port()}"}
    log = (tmp_path / "gateway.log").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "bot", "gateway"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    secret_token = token("b-1")
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
            health = await _wait_for_health(http, process)
            assert health == {"status": "ok", "rasa": False, "database": True}
            async with http.get("/api/v1/chat/ws", params={"token": secret_token}) as response:
                assert response.status == 401  # b-1 is not in this empty database
    finally:
        process.terminate()
        process.wait(timeout=15)
    log.close()
    output = (tmp_path / "gateway.log").read_text()
    assert "/api/v1/chat/ws" in output  # the access log is on
    assert secret_token not in output and "token=" not in output


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

