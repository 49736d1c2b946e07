"""Promotion for real (issue 15): the whole bot (Rasa with the test model, the action server, the
gateway) started from a registry's models/current.tar.gz; borrowers chat without pause while
`python -m bot model promote` loads a second model (the test model under another id) into the
running Rasa through its HTTP API, and while `python -m bot model rollback` puts the first back.
Every message is answered, none is lost, and Rasa's GET /status names the model in service."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from bot.db import Database
from bot.runtime.settings import PROJECT_ROOT
from bot.training.models.archive import facts
from bot.training.models.registry import Model, Registry
from tests.builders import bill, borrower, load
from tests.conversations.conftest import Chat
from tests.stack import TEST_MODEL, Stack

pytestmark = pytest.mark.conversation

ZH, EN = "Asia/Shanghai", "America/New_York"
BORROWERS = (
    borrower("b-8001", "周杰", "zh", ZH).loan("L-8001", "CNY", "800.00", bill(-5, "800.00")),
    borrower("b-8002", "Sam Park", "en", EN).loan("L-8002", "USD", "300.00", bill(-5, "300.00")),
    borrower("b-8003", "吴芳", "zh", ZH).loan("L-8003", "CNY", "500.00", bill(-3, "500.00")),
    borrower("b-8004", "Lee Chan", "en", EN).loan("L-8004", "USD", "400.00", bill(-9, "400.00")),
)
SAYS = {"zh": ("你好", "我还欠多少钱？", "什么时候要还？"),
        "en": ("hi", "how much do I owe?", "when is it due?")}


def register_copy(registry: Registry, minutes: int) -> str:
    """The test model under an id of its own, as `make model` would have registered it."""
    at = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc) + timedelta(minutes=minutes)
    model_id = registry.new_id(f"{minutes:08x}", at)
    registry.root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(TEST_MODEL, registry.archive(model_id))
    found = facts(registry.archive(model_id))
    registry.save(Model(model_id, f"{minutes:08x}" * 8, at.isoformat(), found.sha256,
                        training={"config": "tests/config.yml", "rasa_model_id": found.rasa_model_id}))
    return model_id


@dataclass
class Borrowers:
    """Each borrower says one thing after another, in a thread, until told to stop."""

    chats: list[tuple[Chat, tuple[str, ...]]]
    stop: threading.Event = field(default_factory=threading.Event)
    said: list[tuple[float, float, int, int]] = field(default_factory=list)  # sent, answered, status, replies
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for chat, lines in self.chats:
            self.threads.append(threading.Thread(target=self.talk, args=(chat, lines), daemon=True))
            self.threads[-1].start()

    def talk(self, chat: Chat, lines: tuple[str, ...]) -> None:
        count = 0
        while not self.stop.is_set():
            sent = time.monotonic()
            status, body = chat.request("POST", "/api/v1/chat", {"text": lines[count % len(lines)]})
            self.said.append((sent, time.monotonic(), status, len(body.get("messages", []))))
            count += 1

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=90)

    def during(self, start: float, end: float) -> list[tuple[float, float, int, int]]:
        """The messages in flight at some moment between start and end."""
        return [item for item in self.said if item[0] <= end and item[1] >= start]


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    if not TEST_MODEL.exists():
        pytest.fail(f"no test model at {TEST_MODEL}: run `make test-model`")
    registry = Registry(tmp_path_factory.mktemp("registry") / "models")
    first, second = register_copy(registry, 0), register_copy(registry, 10)
    registry.put_in_service(first, "first")
    url = f"sqlite:///{tmp_path_factory.mktemp('promotion') / 'bot.sqlite3'}"
    database = Database(url)
    database.upgrade()
    load(database, *BORROWERS)
    database.dispose()
    stack = Stack(database_url=url, log_dir=tmp_path_factory.mktemp("promotion-logs"), model=registry.link)
    stack.start()
    yield stack, registry, first, second
    stack.stop()


def serving(stack: Stack) -> str:
    query = urllib.parse.urlencode({"token": stack.rasa_token})
    with urllib.request.urlopen(f"{stack.rasa}/status?{query}", timeout=30) as answer:
        return json.loads(answer.read())["model_file"]


def model_command(stack: Stack, registry: Registry, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    env = {k: v for k, v in os.environ.items() if k != "RASA_URLS"}
    env.update(RASA_URL=stack.rasa, RASA_TOKEN=stack.rasa_token)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bot", "model", *args, "--models", str(registry.root)],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    return done, time.monotonic() - started


def while_chatting(stack: Stack, registry: Registry, *args: str) -> tuple[str, Borrowers, float, float]:
    """Runs the command while every borrower chats; returns its output, the chats and its span."""
    borrowers = Borrowers([(Chat(stack, spec.id), SAYS[spec.language]) for spec in BORROWERS])
    borrowers.start()
    time.sleep(3)  # the chats are under way before the load
    start = time.monotonic()
    done, _ = model_command(stack, registry, *args)
    end = time.monotonic()
    time.sleep(3)  # and go on after it
    borrowers.finish()
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, borrowers, start, end


def assert_every_message_answered(borrowers: Borrowers, start: float, end: float) -> None:
    assert borrowers.said, "no message was sent"
    unanswered = [item for item in borrowers.said if item[2] != 200 or item[3] == 0]
    assert unanswered == [], f"{len(unanswered)} of {len(borrowers.said)} messages without an answer"
    assert len(borrowers.during(start, end)) >= len(BORROWERS), "no message was in flight during the load"


def test_promote_and_rollback_load_the_model_into_the_running_rasa_while_borrowers_chat(bot):
    stack, registry, first, second = bot
    assert serving(stack) == "current.tar.gz"  # started from the link to the first

    out, borrowers, start, end = while_chatting(stack, registry, "promote")  # the latest candidate
    assert f"{second} in service (was {first})" in out and f"Rasa at {stack.rasa} loaded {second}" in out
    assert_every_message_answered(borrowers, start, end)
    assert serving(stack) == f"{second}.tar.gz"
    assert registry.link_target() == second
    slowest = max(answered - sent for sent, answered, _, _ in borrowers.during(start, end))
    print(f"promote: {end - start:.1f} s, {len(borrowers.said)} messages, "
          f"the slowest during it {slowest:.1f} s")

    out, borrowers, start, end = while_chatting(stack, registry, "rollback")
    assert f"{first} back in service (was {second})" in out
    assert_every_message_answered(borrowers, start, end)
    assert serving(stack) == f"{first}.tar.gz"
    assert registry.link_target() == first


def test_a_model_rasa_cannot_load_leaves_the_one_in_service(bot):
    stack, registry, first, _ = bot
    broken = register_copy(registry, 20)
    registry.archive(broken).write_bytes(b"not a model")
    done, _ = model_command(stack, registry, "promote", broken)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{broken} not put in service: Rasa at {stack.rasa} answered 400 to PUT /model" in done.stderr
    assert registry.link_target() == first and serving(stack) == f"{first}.tar.gz"
    status, body = Chat(stack, "b-8002").request("POST", "/api/v1/chat", {"text": "hi"})
    assert status == 200 and body["messages"]
