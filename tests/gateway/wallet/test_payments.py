"""The wallet's payments API (CONTRACT §7) on real databases, SQLite and PostgreSQL: 201 with the
allocation, 200 for the same payment again (also two at once), 409 for an id reused, 422 for
what cannot be the loan's, 400 for a malformed body, 401 for any token but the service's, 503
when the database is down. Rasa is unreachable (a closed loopback port) and never needed."""
from __future__ import annotations

import asyncio
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.auth.agent_tokens import issue_agent_token
from bot.auth.borrower_tokens import issue_borrower_token
from bot.clock import today_in
from bot.db.models import Agent, Arrangement, Payment
from bot.gateway.app import create_app
from bot.runtime.settings import DEV_WALLET_SERVICE_TOKEN, Settings
from tests.builders import bill, borrower, load, wang
from tests.gateway.support import SECRET, audit_events, closed_port

PAYMENTS = "/api/v1/wallet/payments"
SERVICE_TOKEN = "wallet-service-test-token-0123456789abcdef"
AGENT_SECRET = "wallet-test-agent-secret-0123456789abcdef"
WALLET = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
PAID_AT = (datetime.now(timezone.utc) - timedelta(hours=1)).replace(microsecond=0)


def body(**changes) -> dict:
    return {"payment_id": "w-1", "borrower_id": "b-1001", "loan_id": "L-1001", "amount": "120.50",
            "currency": "CNY", "paid_at": PAID_AT.isoformat(), **changes}


@pytest.fixture
def loans(database):
    """CONTRACT §3's borrower (bills 39 and 8 days late, one in 22 days) and a USD one, dated
    from their today; a supervisor, who may read any borrower."""
    load(database, wang(), borrower("b-2", "Ann Lee").loan("L-2", "USD", "100.00", bill(-5, "100.00")))
    with database.transaction() as session:
        session.add(Agent(username="sam", password_hash="$2b$12$x", role="supervisor"))
    return database


@pytest.fixture
async def gateway(aiohttp_client, loans):
    settings = Settings.from_env({
        "DATABASE_URL": loans.url, "WALLET_JWT_SECRET": SECRET, "AGENT_JWT_SECRET": AGENT_SECRET,
        "WALLET_SERVICE_TOKEN": SERVICE_TOKEN, "RASA_URL": f"http://127.0.0.1:{closed_port()}",
    })
    return await aiohttp_client(create_app(settings, loans))


async def post(gateway, payload, headers=WALLET):
    return await gateway.post(PAYMENTS, json=payload, headers=headers)


async def error(response, status: int) -> dict:
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    found = await response.json()
    assert isinstance(found["error"], str) and found["error"]
    return found


def count_payments(database) -> int:
    with database.transaction() as session:
        return session.execute(select(func.count()).select_from(Payment)).scalar_one()


def day(offset: int) -> str:
    return (today_in("Asia/Shanghai") + timedelta(days=offset)).isoformat()


# --- 201 and 200 -----------------------------------------------------------------------------


async def test_a_payment_is_recorded_with_its_allocation(gateway, loans):
    before = datetime.now(timezone.utc)
    response = await post(gateway, body())
    assert response.status == 201, await response.text()
    assert response.headers["Cache-Control"] == "no-store"
    recorded = await response.json()
    received_at = datetime.fromisoformat(recorded.pop("received_at"))
    assert before <= received_at <= datetime.now(timezone.utc)
    assert recorded == {
        "payment_id": "w-1", "borrower_id": "b-1001", "loan_id": "L-1001", "amount": "120.50",
        "currency": "CNY", "paid_at": PAID_AT.isoformat(),
        "allocations": [{"bill_id": recorded["allocations"][0]["bill_id"], "due_date": day(-39),
                         "late_fee": "35.00", "interest": "60.00", "principal": "25.50"}],
        "credit": "0.00",
    }
    [event] = audit_events(loans, "payment_recorded")
    assert (event.actor, event.borrower_id, event.details["payment_id"]) == ("wallet", "b-1001", "w-1")


async def test_the_same_payment_again_is_200_with_the_same_body(gateway, loans):
    first = await (await post(gateway, body())).json()
    # The same values written otherwise: fewer decimals, another zone for the same instant.
    again = await post(gateway, body(amount="120.5", paid_at=PAID_AT.astimezone(
        timezone(timedelta(hours=8))).isoformat()))
    assert again.status == 200, await again.text()
    assert await again.json() == first
    assert count_payments(loans) == 1


async def test_two_identical_posts_at_once_count_once(gateway, loans):
    for attempt in range(3):
        payload = body(payment_id=f"w-race-{attempt}", amount="10.00")
        responses = await asyncio.gather(post(gateway, payload), post(gateway, payload))
        assert sorted(response.status for response in responses) == [200, 201]
        first, second = [await response.json() for response in responses]
        assert first == second
    assert count_payments(loans) == 3
    assert len(audit_events(loans, "payment_recorded")) == 3


async def test_an_overpayment_is_a_credit_the_agent_view_shows(gateway, loans):
    recorded = await (await post(gateway, body(amount="3200.00"))).json()
    assert recorded["credit"] == "15.00"
    assert [share["due_date"] for share in recorded["allocations"]] == [day(-39), day(-8), day(22)]
    view = await gateway.get("/api/v1/agent/borrowers/b-1001", headers={
        "Authorization": f"Bearer {issue_agent_token(AGENT_SECRET, 'sam')}"})
    [loan] = (await view.json())["loans"]
    assert (loan["credit"], loan["overdue_amount"], loan["outstanding"]) == ("15.00", "0.00", "0.00")


async def test_a_payment_completing_a_promise_keeps_it_at_once(gateway, loans):
    with loans.transaction() as session:
        session.add(Arrangement(id="arr-1", loan_id="L-1001", type="promise_to_pay", status="active",
                                terms={"amount": "500.00", "date": day(3), "currency": "CNY"},
                                created_by="bot", created_at=datetime.now(timezone.utc) - timedelta(hours=2)))
    assert (await post(gateway, body(amount="500.00"))).status == 201
    with loans.transaction() as session:
        assert session.get(Arrangement, "arr-1").status == "kept"
    [kept] = audit_events(loans, "arrangement_kept")
    assert kept.details["payment_id"] == "w-1"


# --- 409 and 422 -----------------------------------------------------------------------------


async def test_a_known_payment_id_with_other_values_is_409(gateway, loans):
    assert (await post(gateway, body())).status == 201
    found = await error(await post(gateway, body(amount="120.51")), 409)
    assert found["error"] == "payment w-1 was recorded with other values"
    assert count_payments(loans) == 1
    [refused] = audit_events(loans, "payment_refused")
    assert refused.details == {"payment_id": "w-1", "reason": "payment_id_reused"}


IN_TEN_MINUTES = object()
UNPROCESSABLE = {
    "unknown loan": ({"loan_id": "L-404"}, "unknown_loan"),
    "another borrower's loan": ({"borrower_id": "b-2"}, "another_borrower"),
    "another currency": ({"currency": "USD"}, "another_currency"),
    "zero": ({"amount": "0.00"}, "amount_not_positive"),
    "negative": ({"amount": "-1.00"}, "amount_not_positive"),
    "more decimals than the currency": ({"amount": "1.005"}, "too_many_decimals"),
    "absurd": ({"amount": "10000000.01"}, "amount_too_large"),
    "not an amount": ({"amount": "12,00"}, "not_an_amount"),
    "an exponent": ({"amount": "1e3"}, "not_an_amount"),
    "no zone": ({"paid_at": "2026-11-23T10:00:00"}, "not_a_time"),
    "a date only": ({"paid_at": "2026-11-23"}, "not_a_time"),
    "not a time": ({"paid_at": "yesterday"}, "not_a_time"),
    "in the future": ({"paid_at": IN_TEN_MINUTES}, "paid_in_the_future"),
}


@pytest.mark.parametrize("case", UNPROCESSABLE)
async def test_what_cannot_be_the_loans_payment_is_422(gateway, loans, case):
    changes, reason = UNPROCESSABLE[case]
    if changes.get("paid_at") is IN_TEN_MINUTES:  # from when the test runs, not when it was collected
        changes = {"paid_at": (datetime.now(timezone.utc) + timedelta(minutes=10)).isoformat()}
    found = await error(await post(gateway, body(**changes)), 422)
    assert found["reason"] == reason
    assert count_payments(loans) == 0


async def test_a_little_clock_skew_is_allowed(gateway):
    ahead = (datetime.now(timezone.utc) + timedelta(minutes=4)).isoformat()
    assert (await post(gateway, body(paid_at=ahead))).status == 201


# --- 400, 401, 405, 503 ----------------------------------------------------------------------

MALFORMED = {
    "no body": b"",
    "not JSON": b"payment_id=w-1",
    "a list": b"[]",
    "absurdly nested": b"[" * 50_000,
    "missing amount": {k: v for k, v in body().items() if k != "amount"},
    "amount a number": body(amount=120.5),
    "amount an integer": body(amount=120),
    "loan id null": body(loan_id=None),
    "empty payment id": body(payment_id=""),
    "payment id too long": body(payment_id="w" * 129),
    "NUL in an id": body(borrower_id="b-1001\x00"),
    "lone surrogate": b'{"payment_id": "\\ud800", "borrower_id": "b-1001", "loan_id": "L-1001", '
                      b'"amount": "1.00", "currency": "CNY", "paid_at": "2026-11-23T10:00:00Z"}',
}


@pytest.mark.parametrize("case", MALFORMED)
async def test_a_malformed_body_is_400(gateway, loans, case):
    payload = MALFORMED[case]
    if isinstance(payload, bytes):
        response = await gateway.post(PAYMENTS, data=payload,
                                      headers={**WALLET, "Content-Type": "application/json"})
    else:
        response = await post(gateway, payload)
    await error(response, 400)
    assert count_payments(loans) == 0


UNAUTHORISED = {
    "no token": {},
    "wrong token": {"Authorization": "Bearer not-the-service-token"},
    "the development token": {"Authorization": f"Bearer {DEV_WALLET_SERVICE_TOKEN}"},
    "basic scheme": {"Authorization": f"Basic {SERVICE_TOKEN}"},
    "a borrower's token": {"Authorization": f"Bearer {issue_borrower_token(SECRET, 'b-1001')}"},
    "an agent's token": {"Authorization": f"Bearer {issue_agent_token(AGENT_SECRET, 'sam')}"},
}


@pytest.mark.parametrize("case", UNAUTHORISED)
async def test_only_the_service_token_is_accepted(gateway, loans, case):
    response = await post(gateway, body(), headers=UNAUTHORISED[case])
    await error(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="wallet"'
    assert count_payments(loans) == 0


async def test_only_post(gateway):
    await error(await gateway.get(PAYMENTS, headers=WALLET), 405)


async def test_a_database_that_cannot_serve_is_503(gateway, loans):
    if loans.engine.dialect.name == "sqlite":  # the file overwritten with garbage
        path = Path(loans.engine.url.database)
        loans.dispose()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        path.write_bytes(os.urandom(64 * 1024))
    else:  # the schema dropped under the gateway
        with loans.transaction() as session:
            session.execute(text("DROP SCHEMA public CASCADE"))
            session.execute(text("CREATE SCHEMA public"))
    response = await post(gateway, body())
    assert await response.json() == {"error": "the service is temporarily unavailable"}
    assert response.status == 503
