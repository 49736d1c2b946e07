"""`make run RASA_INSTANCES=2 ACTION_WORKERS=2`, for real: `python -m bot run` with the test
model starts a loopback redis-server of its own, two Rasa servers on consecutive ports with
Redis as their lock store, an action server with two Sanic workers, and the gateway; a chat
goes through; a child killed is started again and logged (redis too: a message sent while it
is down is kept and answered with the next); SIGTERM stops everything."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis

from bot.db import Database
from bot.runtime.settings import PROJECT_ROOT
from tests.builders import alice, load
from tests.conversations.conftest import Chat
from tests.stack import TEST_MODEL, Stack, free_port

pytestmark = pytest.mark.conversation

STARTUP_SECONDS = 300


def consecutive_free_ports() -> int:
    for _ in range(50):
        port = free_port()
        try:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no two consecutive free ports")


class Supervised:
    """`python -m bot run` as `make run` starts it, its output (and its children's) in a file."""

    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.stack = Stack(database_url=database_url, log_dir=tmp_path)  # for its secrets and ports
        self.rasa_port = consecutive_free_ports()
        self.log = tmp_path / "supervisor.log"
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TRACKER_STORE_URL")}
        env.update(
            DATABASE_URL=database_url, WALLET_JWT_SECRET=self.stack.jwt_secret,
            RASA_TOKEN=self.stack.rasa_token, RASA_URL=f"http://127.0.0.1:{self.rasa_port}",
            ACTION_PORT=str(self.stack.ports["actions"]), GATEWAY_PORT=str(self.stack.ports["gateway"]),
            RASA_INSTANCES="2", ACTION_WORKERS="2", PYTHONUNBUFFERED="1",
        )
        env.setdefault("CHAT_RATE_INTERVAL_SECONDS", "0")  # as tests/stack.py: no rate limit here
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--model", str(TEST_MODEL)],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.rasa_port + i}" for i in range(2)]

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, pattern: str, seconds: float = STARTUP_SECONDS) -> re.Match:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = re.search(pattern, self.text(), re.MULTILINE)
            if found:
                return found
            if self.process.poll() is not None:
                break
            time.sleep(1)
        raise AssertionError(f"no {pattern!r} in the log:\n{self.text()[-4000:]}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


@pytest.fixture(scope="module")
def supervised(tmp_path_factory):
    if not TEST_MODEL.exists():
        pytest.fail(f"no test model at {TEST_MODEL}: run `make test-model`")
    url = f"sqlite:///{tmp_path_factory.mktemp('scaled') / 'bot.sqlite3'}"
    database = Database(url)
    database.upgrade()
    load(database, alice())
    database.dispose()
    running = Supervised(tmp_path_factory.mktemp("scaled-logs"), url)
    try:
        running.wait_for(r"^ready: ")
        yield running
    finally:
        running.stop()


def pids_in_group(group: int) -> list[int]:
    """The live processes of a process group (a zombie, killed but not yet reaped, is none)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[2]) == group:  # state, ppid, pgrp
                pids.append(int(entry.name))
    return pids


def group_gone(group: int, seconds: float = 15) -> bool:
    """SIGKILL is delivered asynchronously: the group empties soon after, not at once."""
    deadline = time.monotonic() + seconds
    while pids_in_group(group) and time.monotonic() < deadline:
        time.sleep(0.2)
    return pids_in_group(group) == []


def started_pid(supervised: Supervised, name: str) -> int:
    return int(supervised.wait_for(rf"started .*\b{name} \(pid (\d+)\)").group(1))


def test_two_rasa_servers_share_a_redis_lock_store_and_a_chat_goes_through(supervised):
    redis_url = supervised.wait_for(r"lock store redis (redis://\S+)").group(1)
    assert supervised.wait_for(r"Rasa at (\S+);").group(1) == ",".join(supervised.rasa_urls)
    store = redis.Redis.from_url(redis_url)
    for url in supervised.rasa_urls:  # each instance answers, and takes its locks in Redis
        with urllib.request.urlopen(f"{url}/", timeout=10) as answer:
            assert answer.status == 200
        before = lock_calls(store)
        body = json.dumps({"sender": f"direct-{url[-4:]}", "message": "hello", "metadata": {}}).encode()
        request = urllib.request.Request(
            f"{url}/webhooks/gateway/webhook", data=body, method="POST",
            headers={"Authorization": f"Bearer {supervised.stack.rasa_token}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert answer.status == 200
        assert lock_calls(store) > before, url
    assert len(pids_in_group(started_pid(supervised, "actions"))) >= 3  # Sanic's main and 2 workers

    chat = Chat(supervised.stack, "b-2001")
    assert chat.say("how much do I owe?")[0].startswith("Loan L-2001:")


def test_a_killed_redis_comes_back_and_the_message_sent_meanwhile_is_answered_once(supervised):
    chat = Chat(supervised.stack, "b-2001")
    chat.say("hi")
    os.kill(started_pid(supervised, "redis"), signal.SIGKILL)
    status, body = chat.request("POST", "/api/v1/chat", {"text": "how much do I owe?"})
    assert status == 503 and "your message is kept" in body["error"], body  # not a 500
    supervised.wait_for(r"redis exited with signal SIGKILL \(exit code -9\) after \d+ s; restarting in 1 s",
                        seconds=30)
    supervised.wait_for(r"starting redis again \(restart 1\)", seconds=30)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not ready(supervised):
        time.sleep(0.5)
    replies = chat.say("when is my payment due?")
    assert replies[0].startswith("Loan L-2001: SGD 538.25 is overdue")  # the kept one first
    status, history = chat.request("GET", "/api/v1/chat/history")
    said = [e["text"] for e in history["events"] if e["from"] == "borrower"]
    assert said[-3:] == ["hi", "how much do I owe?", "when is my payment due?"]  # each once


def test_a_killed_child_comes_back_and_only_sigterm_stops_everything(supervised):
    actions = started_pid(supervised, "actions")
    os.kill(actions, signal.SIGKILL)
    supervised.wait_for(r"actions exited with signal SIGKILL \(exit code -9\) after \d+ s; restarting in 1 s",
                        seconds=30)
    supervised.wait_for(r"starting actions again \(restart 1\)", seconds=30)
    assert group_gone(actions)  # the old workers went with their parent
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not ready(supervised):
        time.sleep(1)
    assert ready(supervised)
    chat = Chat(supervised.stack, "b-2001")
    assert chat.say("when is my payment due?")[0].startswith("Loan L-2001")

    groups = [int(pid) for pid in re.findall(r"\(pid (\d+)\)", supervised.text())]
    assert supervised.stop() == 0
    assert all(group_gone(group) for group in groups)  # redis, both Rasas, actions, gateway


def ready(supervised: Supervised) -> bool:
    try:
        with urllib.request.urlopen(f"{supervised.stack.gateway}/readyz", timeout=10) as answer:
            return answer.status == 200
    except OSError:
        return False


def lock_calls(store: redis.Redis) -> int:
    stats = store.info("commandstats")
    return sum(stats.get(f"cmdstat_{command}", {}).get("calls", 0) for command in ("set", "get", "del"))
