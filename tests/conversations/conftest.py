"""The running bot on a real PostgreSQL database, with borrowers whose bills are dated
relative to today (so days past due are exact whatever day the tests run)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from sqlalchemy import select

from bot.auth.borrower_tokens import issue_borrower_token
from bot.db import Database
from bot.db.models import Arrangement
from tests.builders import alice, bill, borrower, load, wang
from tests.stack import TEST_MODEL, Stack

WANG_DAYS_PAST_DUE = 39
ALICE_DAYS_PAST_DUE = 22

# Each dated from the borrower's own today. Wang and Alice as every suite has them; the others
# are this suite's own: small overdue amounts in several currencies and a loan with no interest.
BORROWERS = (
    wang(),
    alice(),
    borrower("b-3001", "Sam Park", "en", "America/New_York").loan(
        "L-3001", "USD", "900.00", bill(-10, "300.00", interest="9.00", late_fee="5.00"),
        bill(20, "300.00", interest="6.00")),
    borrower("b-3003", "Lee Chan", "en", "America/New_York").loan(
        "L-3003", "USD", "400.00", bill(-15, "400.00", interest="8.00")),
    borrower("b-3004", "Kim Lo", "en", "America/New_York").loan(
        "L-3004", "USD", "300.00", bill(-5, "300.00", interest="3.00")),
    borrower("b-3005", "吴芳", "zh", "Asia/Shanghai").loan(
        "L-3005", "CNY", "800.00", bill(-5, "800.00", interest="8.00")),
    borrower("b-3002", "周杰", "zh", "Asia/Shanghai").loan(
        "L-3002", "CNY", "2000.00",
        bill(-20, "1000.00", interest="0.00"), bill(20, "1000.00", interest="0.00")),
    # Asks for another borrower's data and sends an intent injection: either may be read as
    # a dispute and handed over, so no other test shares this borrower.
    borrower("b-3006", "Noor Ali", "en", "Asia/Singapore").loan(
        "L-3006", "SGD", "300.00", bill(-5, "300.00", interest="3.00")),
    # Two loans to repay: which one an arrangement is for is asked (the HKD one is overdue, the
    # USD one not yet due).
    borrower("b-3007", "Mei Ho", "en", "Asia/Hong_Kong")
    .loan("L-3007", "HKD", "2000.00", bill(-8, "1000.00", interest="20.00"), bill(22, "1000.00"))
    .loan("L-3008", "USD", "500.00", bill(12, "500.00", interest="5.00")),
    # Payments from the wallet while an arrangement runs (test_payments_in_chat.py).
    borrower("b-3011", "Ravi Das", "en", "Asia/Singapore").loan(
        "L-3011", "SGD", "900.00", bill(-10, "600.00", interest="0.00"), bill(20, "300.00")),
    borrower("b-3013", "Tom Lee", "en", "Asia/Singapore").loan(
        "L-3013", "SGD", "300.00", bill(-4, "300.00", interest="3.00")),
    borrower("b-3012", "孙丽", "zh", "Asia/Shanghai").loan(
        "L-3012", "CNY", "1000.00", bill(-6, "500.00", interest="20.00", late_fee="10.00"),
        bill(24, "500.00", interest="10.00")),
    # Two loans, one a week overdue: an outreach reminder about it, and a tap on its
    # "split into instalments" (test_outreach_reply.py).
    borrower("b-3015", "Joy Wong", "en", "Asia/Hong_Kong")
    .loan("L-3015", "HKD", "1800.00", bill(-7, "900.00", interest="9.00"), bill(23, "900.00"))
    .loan("L-3016", "HKD", "600.00", bill(11, "600.00")),
    borrower("b-3008", "何美", "zh", "Asia/Hong_Kong")
    .loan("L-3009", "HKD", "1000.00", bill(-6, "1000.00", interest="10.00"))
    .loan("L-3010", "CNY", "900.00", bill(-4, "900.00", interest="9.00")),
)


@pytest.fixture(scope="session")
def stack(postgres_server, tmp_path_factory):
    if not TEST_MODEL.exists():
        pytest.fail(f"no test model at {TEST_MODEL}: run `make test-model`")
    url = postgres_server.create_database()
    database = Database(url)
    database.upgrade()
    load(database, *BORROWERS)
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
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def say(self, text: str) -> list[str]:
        status, body = self.request("POST", "/api/v1/chat", {"text": text})
        assert status == 200, body
        return [message["text"] for message in body["messages"]]


def arrangements(stack: Stack, *loan_ids: str) -> list[Arrangement]:
    """The arrangements on these loans, as the database has them now."""
    database = Database(stack.database_url)
    try:
        with database.transaction() as session:
            return list(session.execute(select(Arrangement).where(
                Arrangement.loan_id.in_(loan_ids)).order_by(Arrangement.created_at)).scalars())
    finally:
        database.dispose()


@pytest.fixture
def wang(stack) -> Chat:
    return Chat(stack, "b-1001")


@pytest.fixture
def alice(stack) -> Chat:
    return Chat(stack, "b-2001")
