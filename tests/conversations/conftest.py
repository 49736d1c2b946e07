"""The running bot on a real PostgreSQL database, with borrowers whose bills are dated
relative to today (so days past due are exact whatever day the tests run)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest

from bot.clock import today_in
from bot.db import Database
from bot.loans.fixtures import load_fixture, parse_fixture_text
from bot.auth.borrower_tokens import issue_borrower_token
from tests.stack import TEST_MODEL, Stack

WANG_DAYS_PAST_DUE = 39
ALICE_DAYS_PAST_DUE = 22


def fixture_text() -> str:
    shanghai, singapore = today_in("Asia/Shanghai"), today_in("Asia/Singapore")
    wang = [shanghai - timedelta(days=WANG_DAYS_PAST_DUE), shanghai - timedelta(days=8),
            shanghai + timedelta(days=22)]
    alice = [singapore - timedelta(days=ALICE_DAYS_PAST_DUE), singapore + timedelta(days=8)]
    new_york, shanghai_later = today_in("America/New_York"), shanghai + timedelta(days=20)
    return f"""
borrowers:
  - id: b-1001
    name: 王伟
    language: zh
    timezone: Asia/Shanghai
    loans:
      - id: L-1001
        currency: CNY
        principal: "3000.00"
        bills:
          - {{due_date: "{wang[0]}", principal: "1000.00", interest: "60.00", late_fee: "35.00", paid: "0"}}
          - {{due_date: "{wang[1]}", principal: "1000.00", interest: "50.00"}}
          - {{due_date: "{wang[2]}", principal: "1000.00", interest: "40.00"}}
  - id: b-2001
    name: Alice Tan
    language: en
    timezone: Asia/Singapore
    loans:
      - id: L-2001
        currency: SGD
        principal: "1200.00"
        bills:
          - {{due_date: "{alice[0]}", principal: "600.00", interest: "18.50", late_fee: "20.00", paid: "100.25"}}
          - {{due_date: "{alice[1]}", principal: "600.00", interest: "12.00"}}
  - id: b-3001
    name: Sam Park
    language: en
    timezone: America/New_York
    loans:
      - id: L-3001
        currency: USD
        principal: "900.00"
        bills:
          - {{due_date: "{new_york - timedelta(days=10)}", principal: "300.00", interest: "9.00", late_fee: "5.00"}}
          - {{due_date: "{new_york + timedelta(days=20)}", principal: "300.00", interest: "6.00"}}
  - id: b-3003
    name: Lee Chan
    language: en
    timezone: America/New_York
    loans:
      - id: L-3003
        currency: USD
        principal: "400.00"
        bills:
          - {{due_date: "{new_york - timedelta(days=15)}", principal: "400.00", interest: "8.00"}}
  - id: b-3004
    name: Kim Lo
    language: en
    timezone: America/New_York
    loans:
      - id: L-3004
        currency: USD
        principal: "300.00"
        bills:
          - {{due_date: "{new_york - timedelta(days=5)}", principal: "300.00", interest: "3.00"}}
  - id: b-3005
    name: 吴芳
    language: zh
    timezone: Asia/Shanghai
    loans:
      - id: L-3005
        currency: CNY
        principal: "800.00"
        bills:
          - {{due_date: "{shanghai - timedelta(days=5)}", principal: "800.00", interest: "8.00"}}
  - id: b-3002
    name: 周杰
    language: zh
    timezone: Asia/Shanghai
    loans:
      - id: L-3002
        currency: CNY
        principal: "2000.00"
        bills:
          - {{due_date: "{shanghai - timedelta(days=20)}", principal: "1000.00", interest: "0.00"}}
          - {{due_date: "{shanghai_later}", principal: "1000.00", interest: "0.00"}}
"""


@pytest.fixture(scope="session")
def stack(postgres_server, tmp_path_factory):
    if not TEST_MODEL.exists():
        pytest.fail(f"no test model at {TEST_MODEL}: run `make test-model`")
    url = postgres_server.create_database()
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        load_fixture(session, parse_fixture_text(fixture_text()))
    database.dispose()
    running = Stack(database_url=url, log_dir=tmp_path_factory.mktemp("stack-logs")).start()
    yield running
    running.stop()


class Chat:
    """A borrower's app: posts to the chat API with the borrower's token."""

    def __init__(self, stack: Stack, borrower_id: str) -> None:
        self.stack = stack
        self.token = issue_borrower_token(stack.jwt_secret, borrower_id)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.stack.gateway + path, data=data, method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def say(self, text: str) -> list[str]:
        status, body = self.request("POST", "/api/v1/chat", {"text": text})
        assert status == 200, body
        return [message["text"] for message in body["messages"]]


@pytest.fixture
def wang(stack) -> Chat:
    return Chat(stack, "b-1001")


@pytest.fixture
def alice(stack) -> Chat:
    return Chat(stack, "b-2001")
