"""The agent login under attack, through the HTTP API with real concurrency: a burst of guesses
gets no further than the throttle's limit (each attempt is counted before its password is
checked), an unknown name costs bcrypt as much as a real one, a full password pool answers 503
at once, and a borrower's chat is not kept waiting behind bcrypt. SQLite and the fake Rasa."""
from __future__ import annotations

import asyncio
import threading
import time

import bcrypt
import pytest

from bot.auth.agents import ROUNDS, add_agent
from bot.db.models import Agent
from bot.gateway.agent.login_throttle import MAX_FAILURES, LoginThrottle
from bot.gateway.agent.password_pool import PasswordPool
from bot.gateway.app import create_app
from bot.gateway.keys import LOGIN_THROTTLE, PASSWORDS
from tests.gateway.support import audit_events, bearer, settings_for

LOGIN = "/api/v1/agent/login"
PASSWORD = "a long enough password"
WRONG = {"username": "alice", "password": "a wrong guess"}
RIGHT = {"username": "alice", "password": PASSWORD}


class Bcrypt:
    """bcrypt.checkpw as the gateway calls it, counted, and held back while `gate` is closed."""

    def __init__(self, gated: bool) -> None:
        self.gate = threading.Event()
        if not gated:
            self.gate.set()
        self.hashes: list[bytes] = []
        self._checkpw = bcrypt.checkpw

    def __call__(self, password: bytes, digest: bytes) -> bool:
        self.hashes.append(digest)
        self.gate.wait(timeout=60)  # never for ever, should a test fail with the gate closed
        return self._checkpw(password, digest)


@pytest.fixture
def alice(borrowers):
    """An agent with a cheap hash: the tests count checks, not their cost."""
    with borrowers.transaction() as session:
        session.add(Agent(username="alice", password_hash=bcrypt.hashpw(
            PASSWORD.encode(), bcrypt.gensalt(4)).decode("ascii")))


def spy(monkeypatch, gated: bool = False) -> Bcrypt:
    checks = Bcrypt(gated)
    monkeypatch.setattr(bcrypt, "checkpw", checks)
    return checks


async def gateway_with(aiohttp_client, borrowers, fake_rasa, **parts):
    """A gateway whose app parts named (LOGIN_THROTTLE, PASSWORDS) are replaced."""
    app = create_app(settings_for(borrowers.url, fake_rasa.url), borrowers)
    for key, part in parts.items():
        app[{"throttle": LOGIN_THROTTLE, "passwords": PASSWORDS}[key]] = part
    return await aiohttp_client(app)


async def until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def cost(digest: bytes) -> int:
    return int(digest.split(b"$")[2])


async def test_unknown_and_deactivated_names_cost_bcrypt_as_much_as_real_ones(gateway, borrowers,
                                                                                monkeypatch):
    with borrowers.transaction() as session:
        add_agent(session, "alice", PASSWORD)
        add_agent(session, "bob", PASSWORD)
        session.flush()
        session.query(Agent).filter_by(username="bob").one().active = False
    checks = spy(monkeypatch)
    for username in ("alice", "mallory", "bob"):
        answer = await gateway.post(LOGIN, json={"username": username, "password": "not it"})
        assert answer.status == 401
    assert [cost(digest) for digest in checks.hashes] == [ROUNDS] * 3


async def test_of_a_hundred_guesses_at_once_at_most_the_limit_reach_bcrypt(gateway, alice, borrowers,
                                                                             monkeypatch):
    checks = spy(monkeypatch)
    answers = await asyncio.gather(*(gateway.post(LOGIN, json=WRONG) for _ in range(100)))
    statuses = [answer.status for answer in answers]
    assert set(statuses) == {401, 429}
    assert len(checks.hashes) == statuses.count(401) <= MAX_FAILURES
    assert all(int(a.headers["Retry-After"]) > 0 for a in answers if a.status == 429)
    assert (await gateway.post(LOGIN, json=RIGHT)).status == 429
    reasons = [e.details["reason"] for e in audit_events(borrowers, "agent_login_failed")]
    assert sorted(reasons) == sorted(["wrong credentials"] * len(checks.hashes)
                                     + ["too many failures"] * (101 - len(checks.hashes)))


async def test_the_right_password_gets_no_token_once_the_guesses_in_flight_reach_the_limit(
        gateway, alice, monkeypatch):
    checks = spy(monkeypatch, gated=True)  # the first guesses stay in bcrypt until released
    guesses = [asyncio.ensure_future(gateway.post(LOGIN, json=WRONG)) for _ in range(100)]
    try:
        # Those not answered yet are in bcrypt or waiting for it: none has failed yet, and
        # still the limit is reached.
        await until(lambda: sum(g.done() for g in guesses) == 100 - MAX_FAILURES)
        right = await gateway.post(LOGIN, json=RIGHT)
        assert right.status == 429 and "token" not in await right.json()
    finally:
        checks.gate.set()
    statuses = [answer.status for answer in await asyncio.gather(*guesses)]
    assert (statuses.count(401), statuses.count(429)) == (MAX_FAILURES, 100 - MAX_FAILURES)
    assert len(checks.hashes) == MAX_FAILURES


async def test_a_full_password_pool_answers_503_at_once_and_counts_no_failure(
        aiohttp_client, borrowers, fake_rasa, alice, monkeypatch):
    gateway = await gateway_with(aiohttp_client, borrowers, fake_rasa,
                                 passwords=PasswordPool(workers=1, max_waiting=1))
    checks = spy(monkeypatch, gated=True)
    logins = [asyncio.ensure_future(gateway.post(LOGIN, json=WRONG)) for _ in range(MAX_FAILURES)]
    try:
        # One in bcrypt, one waiting: the others are answered while bcrypt is still held.
        await until(lambda: sum(login.done() for login in logins) == MAX_FAILURES - 2)
        busy = [login.result() for login in logins if login.done()]
        for answer in busy:
            assert (answer.status, answer.headers["Retry-After"]) == (503, "1")
            assert await answer.json() == {"error": "too many logins at once; try again in a moment"}
    finally:
        checks.gate.set()
    assert sorted(answer.status for answer in await asyncio.gather(*logins)) == [401, 401] + [503] * 3
    # Only the two guesses checked count against alice: she may still sign in.
    assert (await gateway.post(LOGIN, json=RIGHT)).status == 200


async def test_a_borrower_chats_promptly_while_sixty_wrong_logins_run(
        aiohttp_client, borrowers, fake_rasa, monkeypatch):
    with borrowers.transaction() as session:
        add_agent(session, "alice", PASSWORD)  # a real hash: bcrypt at full cost
    # Sixty guessers from as many addresses: the throttle does not stop them.
    gateway = await gateway_with(aiohttp_client, borrowers, fake_rasa,
                                 throttle=LoginThrottle(max_failures=1000))
    checks = spy(monkeypatch)
    finished: list[tuple[float, int]] = []

    async def guess() -> None:
        answer = await gateway.post(LOGIN, json=WRONG)
        finished.append((time.monotonic(), answer.status))

    logins = [asyncio.ensure_future(guess()) for _ in range(60)]
    await until(lambda: len(checks.hashes) >= 2)  # bcrypt is busy
    chat = await gateway.post("/api/v1/chat", json={"text": "hello"}, headers=bearer("b-1"))
    answered_at = time.monotonic()
    assert chat.status == 200
    await asyncio.gather(*logins)
    assert {status for _, status in finished} <= {401, 503}
    checked = sorted(at for at, status in finished if status == 401)
    # Behind bcrypt in the database's executor, the chat used to answer after nearly all of
    # them; now bcrypt has its own threads, and it answers while most are still being checked.
    assert sum(at < answered_at for at in checked) < len(checked) / 2, (len(checked), answered_at)
