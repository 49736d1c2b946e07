"""The agent API (CONTRACT §5): login, agent tokens kept apart from borrower tokens, and the
borrower view with exact figures for the CONTRACT §3 fixture. Real databases (SQLite and
PostgreSQL where it matters); Rasa is unreachable (a closed loopback port) and never needed."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import bcrypt
import jwt
import pytest
from sqlalchemy import select

import bot.loans.accounts as accounts
from bot.arrangements.kinds.deferral import DeferralTerms
from bot.arrangements.policy import load_policy
from bot.arrangements.service import create_arrangement
from bot.auth.agent_tokens import agent_of_token, issue_agent_token
from bot.auth.borrower_tokens import InvalidToken, borrower_of_token, issue_borrower_token
from bot.db.models import Agent, Arrangement, Borrower
from bot.gateway.app import create_app
from bot.ledger.payments import WalletPayment
from bot.ledger.recording import record_payment
from bot.runtime.settings import DEV_AGENT_JWT_SECRET, DEV_JWT_SECRET, Settings
from tests.builders import CONTRACT_DAY, add, bill, borrower, wang
from tests.gateway.support import SECRET, audit_events, closed_port, open_case

LOGIN = "/api/v1/agent/login"
AGENT_SECRET = "gateway-test-agent-secret-0123456789abcdef"
PASSWORD = "correct horse battery"
TODAY = date(2026, 11, 23)
BORROWERS = (wang(), borrower("b-3001", "Sato Ken", "en", "Asia/Tokyo").loan(
    "L-3001", "JPY", "30000", bill(date(2026, 11, 1), "10000", interest="150", paid="2500"),
    bill(date(2026, 12, 1), "10000", interest="100")))
PROMISE = {"amount": "500.00", "date": "2026-11-30", "currency": "CNY"}
PLAN = {"total": "2145.00", "currency": "CNY", "count": 2, "first_due_date": "2026-12-01",
        "interval": "monthly",
        "instalments": [{"due_date": "2026-12-01", "amount": "1072.50"},
                        {"due_date": "2027-01-01", "amount": "1072.50"}]}


def borrower_path(borrower_id: str) -> str:
    return f"/api/v1/agent/borrowers/{borrower_id}"


def settings_for(database_url: str, agent_secret: str = AGENT_SECRET) -> Settings:
    return Settings.from_env({
        "DATABASE_URL": database_url, "WALLET_JWT_SECRET": SECRET,
        "AGENT_JWT_SECRET": agent_secret, "RASA_URL": f"http://127.0.0.1:{closed_port()}",
    })


def agent_bearer(username: str = "alice", secret: str = AGENT_SECRET, **options) -> dict:
    return {"Authorization": f"Bearer {issue_agent_token(secret, username, **options)}"}


def _agent(username: str, *, active: bool = True, role: str = "agent") -> Agent:
    # Cost 4: as `add_agent` stores it (tests/test_cli.py covers that), only faster to check.
    digest = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode("ascii")
    return Agent(username=username, password_hash=digest, active=active, role=role)


@pytest.fixture
def loans(database):
    """The §3 fixture plus a JPY borrower, each handed over to a person (an agent reads a
    borrower only then); agents alice (active) and bob (deactivated), supervisor sam."""
    with database.transaction() as session:
        add(session, *BORROWERS, today=CONTRACT_DAY)
        session.add_all([_agent("alice"), _agent("bob", active=False), _agent("sam", role="supervisor")])
    for borrower_id in ("b-1001", "b-3001"):
        open_case(database, borrower_id)
    return database


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setattr(accounts, "today_in", lambda timezone_name, now=None: TODAY)
    return TODAY


@pytest.fixture
async def agent_gateway(aiohttp_client, loans):
    return await aiohttp_client(create_app(settings_for(loans.url), loans))


async def _error(response, status: int) -> str:
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    body = await response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]
    return body["error"]


def _no_password_anywhere(database) -> None:
    for event in audit_events(database):
        assert PASSWORD not in f"{event.actor} {event.action} {json.dumps(event.details)}"


def _set_active(database, username: str, active: bool) -> None:
    with database.transaction() as session:
        session.execute(select(Agent).where(Agent.username == username)).scalar_one().active = active


# --- settings ---------------------------------------------------------------------------

def test_agent_secret_has_its_own_setting_and_dev_default():
    assert DEV_AGENT_JWT_SECRET != DEV_JWT_SECRET
    assert Settings.from_env({}).agent_jwt_secret == DEV_AGENT_JWT_SECRET
    settings = Settings.from_env({"AGENT_JWT_SECRET": "s" * 40, "WALLET_JWT_SECRET": "w" * 40})
    assert (settings.agent_jwt_secret, settings.jwt_secret) == ("s" * 40, "w" * 40)


# --- login ------------------------------------------------------------------------------

async def test_login_gives_an_eight_hour_agent_token(agent_gateway, loans):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    response = await agent_gateway.post(LOGIN, json={"username": "alice", "password": PASSWORD})
    assert response.status == 200, await response.text()
    body = await response.json()
    assert set(body) == {"token", "role"} and body["role"] == "agent"
    claims = jwt.decode(body["token"], AGENT_SECRET, algorithms=["HS256"], audience="agent")
    assert (claims["sub"], claims["aud"]) == ("alice", "agent")
    assert claims["exp"] - claims["iat"] == 8 * 3600
    assert claims["iat"] >= before.timestamp()
    assert agent_of_token(AGENT_SECRET, body["token"]).subject == "alice"
    # The token works.
    assert (await agent_gateway.get(borrower_path("b-1001"), headers={
        "Authorization": f"Bearer {body['token']}"})).status == 200
    logins = audit_events(loans, "agent_login")
    assert [(e.actor, e.borrower_id) for e in logins] == [("agent:alice", None)]
    assert audit_events(loans, "agent_login_failed") == []
    _no_password_anywhere(loans)


REFUSED = {
    "wrong password": ("alice", "not the password"),
    "unknown agent": ("mallory", PASSWORD),
    "deactivated agent": ("bob", PASSWORD),
    "password case": ("alice", PASSWORD.upper()),
}


@pytest.mark.parametrize("case", REFUSED)
async def test_login_refuses_wrong_credentials_alike(agent_gateway, loans, case):
    username, password = REFUSED[case]
    response = await agent_gateway.post(LOGIN, json={"username": username, "password": password})
    # The same answer whatever was wrong: nothing tells which usernames exist.
    assert await _error(response, 401) == "the username or password is wrong"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="agent"'
    failed = audit_events(loans, "agent_login_failed")
    assert [(e.actor, e.details) for e in failed] == [
        (f"agent:{username}", {"reason": "wrong credentials"})
    ]
    assert audit_events(loans, "agent_login") == []
    for event in failed:
        assert password not in json.dumps(event.details)
    _no_password_anywhere(loans)


MALFORMED = {
    "no body": b"",
    "not json": b"username=alice&password=x",
    "a list": b'["alice", "correct horse battery"]',
    "no password": b'{"username": "alice"}',
    "no username": b'{"password": "correct horse battery"}',
    "password a number": b'{"username": "alice", "password": 12345678}',
    "empty username": b'{"username": "", "password": "correct horse battery"}',
    "empty password": b'{"username": "alice", "password": ""}',
    "NUL in password": b'{"username": "alice", "password": "correct horse battery\\u0000"}',
    "lone surrogate": b'{"username": "alice", "password": "correct horse battery\\ud800"}',
}


@pytest.mark.parametrize("case", MALFORMED)
async def test_login_refuses_malformed_bodies(agent_gateway, loans, case):
    response = await agent_gateway.post(
        LOGIN, data=MALFORMED[case], headers={"Content-Type": "application/json"}
    )
    await _error(response, 400)
    failed = audit_events(loans, "agent_login_failed")
    assert len(failed) == 1 and failed[0].details["reason"] == "malformed request"
    assert failed[0].actor in {"agent:alice", "agent:?"}
    _no_password_anywhere(loans)


async def test_login_with_an_impossible_username_is_audited_escaped(agent_gateway, loans):
    odd = "alice\nadmin" + "x" * 300
    response = await agent_gateway.post(LOGIN, json={"username": odd, "password": PASSWORD})
    await _error(response, 401)
    [event] = audit_events(loans, "agent_login_failed")
    assert event.actor == "agent:?"
    assert "\n" not in event.details["username"] and len(event.details["username"]) < 120
    _no_password_anywhere(loans)


# --- agent tokens -----------------------------------------------------------------------

def _agent_claims(**claims) -> dict:
    now = datetime.now(timezone.utc)
    return {"sub": "alice", "aud": "agent", "iat": now, "exp": now + timedelta(hours=1), **claims}


BAD_AGENT_AUTH = {
    "missing": {},
    "empty bearer": {"Authorization": "Bearer "},
    "not bearer": {"Authorization": f"Basic {issue_agent_token(AGENT_SECRET, 'alice')}"},
    "malformed": {"Authorization": "Bearer not.a.jwt"},
    "wrong secret": agent_bearer(secret="another-agent-secret-0123456789abcdef"),
    "dev secret": agent_bearer(secret=DEV_AGENT_JWT_SECRET),
    "expired": agent_bearer(ttl=timedelta(seconds=-1)),
    "no exp": {"Authorization": "Bearer " + jwt.encode(
        {k: v for k, v in _agent_claims().items() if k != "exp"}, AGENT_SECRET, algorithm="HS256")},
    "other audience": {"Authorization": "Bearer " + jwt.encode(
        _agent_claims(aud="borrower"), AGENT_SECRET, algorithm="HS256")},
    "borrower token, wallet secret": {
        "Authorization": f"Bearer {issue_borrower_token(SECRET, 'alice')}"},
    "borrower token, agent secret": {
        "Authorization": f"Bearer {issue_borrower_token(AGENT_SECRET, 'alice')}"},
    "unknown agent": agent_bearer("mallory"),
    "deactivated agent": agent_bearer("bob"),
}


@pytest.mark.parametrize("case", BAD_AGENT_AUTH)
async def test_agent_api_refuses_bad_tokens(agent_gateway, loans, case):
    response = await agent_gateway.get(borrower_path("b-1001"), headers=BAD_AGENT_AUTH[case])
    await _error(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="agent"'
    assert audit_events(loans, "agent_viewed_borrower") == []


async def test_agent_token_expires(agent_gateway, frozen_today):
    fresh = agent_bearer(ttl=timedelta(seconds=30))
    assert (await agent_gateway.get(borrower_path("b-1001"), headers=fresh)).status == 200
    stale = agent_bearer(ttl=timedelta(seconds=-30))
    await _error(await agent_gateway.get(borrower_path("b-1001"), headers=stale), 401)


async def test_a_deactivated_agent_is_refused_with_a_valid_token(agent_gateway, loans):
    headers = agent_bearer("alice")
    assert (await agent_gateway.get(borrower_path("b-1001"), headers=headers)).status == 200
    _set_active(loans, "alice", False)
    await _error(await agent_gateway.get(borrower_path("b-1001"), headers=headers), 401)
    login = await agent_gateway.post(LOGIN, json={"username": "alice", "password": PASSWORD})
    await _error(login, 401)
    _set_active(loans, "alice", True)
    assert (await agent_gateway.get(borrower_path("b-1001"), headers=headers)).status == 200


async def test_borrower_token_refused_even_when_both_secrets_are_the_same(aiohttp_client, loans):
    # A misconfiguration must not turn a wallet token into an agent's: the audience decides.
    gateway = await aiohttp_client(create_app(settings_for(loans.url, agent_secret=SECRET), loans))
    borrower_token = issue_borrower_token(SECRET, "alice")
    response = await gateway.get(
        borrower_path("b-1001"), headers={"Authorization": f"Bearer {borrower_token}"})
    await _error(response, 401)
    with pytest.raises(InvalidToken):
        agent_of_token(SECRET, borrower_token)


async def test_agent_token_refused_by_the_borrower_chat_api(aiohttp_client, loans):
    # Same secret on purpose, and a `sub` that is a real borrower id: only `aud` refuses it.
    gateway = await aiohttp_client(create_app(settings_for(loans.url, agent_secret=SECRET), loans))
    agent_token = issue_agent_token(SECRET, "b-1001")
    headers = {"Authorization": f"Bearer {agent_token}"}
    await _error(await gateway.post("/api/v1/chat", json={"text": "hi"}, headers=headers), 401)
    await _error(await gateway.get("/api/v1/chat/history", headers=headers), 401)
    await _error(await gateway.get(f"/api/v1/chat/ws?token={agent_token}"), 401)
    # PyJWT itself: an `aud` claim is refused when no audience is expected.
    with pytest.raises(InvalidToken, match="audience"):
        borrower_of_token(SECRET, agent_token)
    # And with the real, distinct secrets, refused all the more.
    await _error(await gateway.post("/api/v1/chat", json={"text": "hi"},
                                    headers=agent_bearer("b-1001")), 401)


# --- the borrower view ------------------------------------------------------------------

def _add_arrangements(database) -> None:
    with database.transaction() as session:
        session.add_all([
            Arrangement(id="arr-2", loan_id="L-1001", type="instalment_plan", status="active",
                        terms=PLAN, created_by="bot", conversation_id="conv-1",
                        created_at=datetime(2026, 11, 21, 9, 30, tzinfo=timezone.utc)),
            Arrangement(id="arr-1", loan_id="L-1001", type="promise_to_pay", status="broken",
                        terms=PROMISE, created_by="agent:alice",
                        created_at=datetime(2026, 11, 2, 1, 0, tzinfo=timezone.utc)),
        ])


async def test_borrower_view_has_the_contract_figures(agent_gateway, loans, frozen_today):
    _add_arrangements(loans)
    response = await agent_gateway.get(borrower_path("b-1001"), headers=agent_bearer())
    assert response.status == 200, await response.text()
    assert await response.json() == {
        "id": "b-1001",
        "name": "王伟",
        "language": "zh",
        "timezone": "Asia/Shanghai",
        "contact_opt_out_at": None,
        "loans": [{
            "id": "L-1001",
            "currency": "CNY",
            "principal": "3000.00",
            "overdue_amount": "2145.00",  # 1000 + 60 + 35, and 1000 + 50
            "days_past_due": 39,  # since 2026-10-15
            "outstanding": "3185.00",  # and 1000 + 40 not yet due
            "next_due_date": "2026-12-15",
            "next_due_amount": "1040.00",
            "collection_hold": False,
            "credit": "0.00",
            "arrangements": [  # oldest first
                {"id": "arr-1", "type": "promise_to_pay", "status": "broken",
                 "created_at": "2026-11-02T01:00:00+00:00", "created_by": "agent:alice",
                 "terms": PROMISE, "title": "Promise to pay", "description": "CNY 500.00 by 2026-11-30",
                 "schedule": [{"due_date": "2026-11-30", "amount": "500.00"}]},
                {"id": "arr-2", "type": "instalment_plan", "status": "active",
                 "created_at": "2026-11-21T09:30:00+00:00", "created_by": "bot",
                 "terms": PLAN, "title": "Instalment plan",
                 "description": "2 instalments · from 2026-12-01 · total CNY 2,145.00",
                 "schedule": PLAN["instalments"]},
            ],
            # A plan recorded without the bills it covers (as before arrangements noted them)
            # changes no dates: its progress is shown, the bills' figures stand.
            "arrangement_progress": {
                "arrangement_id": "arr-2", "type": "instalment_plan", "replaces_bills": False,
                "total": "2145.00", "paid": "0.00", "instalments_paid": 0, "instalments": 2,
                "next_due_date": "2026-12-01", "next_due_amount": "1072.50", "late_fees_frozen": "0.00",
                "schedule": [{**due, "paid": "0.00"} for due in PLAN["instalments"]],
            },
            # 39 days late: high risk; CNY 3,185.00 to repay: below the high value (outreach.yml)
            "segment": {"name": "high/low", "risk": "high", "value": "low", "plan": "early_person",
                        "first_offer": "person"},
        }],
        "contacts": [],  # outreach has not written to Wang
    }


async def test_borrower_view_while_a_deferral_runs_is_its_schedule(agent_gateway, loans, frozen_today):
    """CONTRACT §5: while an arrangement is active, overdue_amount and days_past_due are those
    of its own schedule; a payment toward it shows in its progress at once."""
    with loans.transaction() as session:
        made, _ = create_arrangement(
            session, loan_id="L-1001", terms=DeferralTerms(14, date(2026, 12, 7), Decimal("2145.00"), "CNY",
                                                           Decimal("0.00"), True),
            conversation_id=None, created_by="bot", idempotency_key=None,
            now=datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc))
        made_id = made.id
    with loans.transaction() as session:
        record_payment(session, WalletPayment("w-1", "b-1001", "L-1001", Decimal("1000.00"), "CNY",
                                              datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)),
                       load_policy(), datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc))
    view = await (await agent_gateway.get(borrower_path("b-1001"), headers=agent_bearer())).json()
    [loan] = view["loans"]
    assert {key: loan[key] for key in ("overdue_amount", "days_past_due", "outstanding", "next_due_date",
                                       "next_due_amount")} == {
        "overdue_amount": "0.00", "days_past_due": 0, "outstanding": "2185.00",
        "next_due_date": "2026-12-07", "next_due_amount": "1145.00"}
    assert loan["arrangement_progress"] == {
        "arrangement_id": made_id, "type": "deferral", "replaces_bills": True,
        "total": "2145.00", "paid": "1000.00", "instalments_paid": 0, "instalments": 1,
        "next_due_date": "2026-12-07", "next_due_amount": "1145.00", "late_fees_frozen": "0.00",
        "schedule": [{"due_date": "2026-12-07", "amount": "2145.00", "paid": "1000.00"}],
    }


async def test_borrower_view_on_a_due_date_and_in_a_currency_without_decimals(
    agent_gateway, loans, monkeypatch
):
    monkeypatch.setattr(accounts, "today_in", lambda timezone_name, now=None: date(2026, 11, 15))
    with loans.transaction() as session:
        session.get(Borrower, "b-3001").contact_opt_out_at = datetime(
            2026, 11, 10, 12, 0, tzinfo=timezone.utc)
        session.get(Borrower, "b-3001").loans[0].collection_hold = True
    wang = await (await agent_gateway.get(borrower_path("b-1001"), headers=agent_bearer())).json()
    [loan] = wang["loans"]
    # The bill due today is not overdue yet.
    assert (loan["overdue_amount"], loan["days_past_due"], loan["next_due_date"]) == (
        "1095.00", 31, "2026-11-15")
    assert loan["arrangements"] == []
    sato = await (await agent_gateway.get(borrower_path("b-3001"), headers=agent_bearer())).json()
    assert sato["contact_opt_out_at"] == "2026-11-10T12:00:00+00:00"
    assert sato["loans"] == [{
        "id": "L-3001", "currency": "JPY", "principal": "30000",
        "overdue_amount": "7650", "days_past_due": 14, "outstanding": "17750",
        "next_due_date": "2026-12-01", "next_due_amount": "10100", "collection_hold": True,
        "credit": "0", "arrangements": [], "arrangement_progress": None,
        "segment": {"name": "medium/low", "risk": "medium", "value": "low", "plan": "standard",
                    "first_offer": "pay_now"},
    }]


async def test_every_read_is_audited(agent_gateway, loans, frozen_today):
    for _ in range(2):
        assert (await agent_gateway.get(borrower_path("b-1001"), headers=agent_bearer())).status == 200
    assert (await agent_gateway.get(borrower_path("b-3001"), headers=agent_bearer())).status == 200
    views = audit_events(loans, "agent_viewed_borrower")
    assert [(e.actor, e.borrower_id, e.details) for e in views] == [
        ("agent:alice", "b-1001", None), ("agent:alice", "b-1001", None),
        ("agent:alice", "b-3001", None),
    ]


async def test_unknown_borrower_is_404_and_audited(agent_gateway, loans):
    # A supervisor may read any borrower, so learns that this one does not exist.
    response = await agent_gateway.get(borrower_path("b-404"), headers=agent_bearer("sam"))
    assert await _error(response, 404) == "no such borrower"
    views = audit_events(loans, "agent_viewed_borrower")
    assert [(e.actor, e.borrower_id, e.details) for e in views] == [
        ("agent:sam", "b-404", {"found": False})
    ]
    # An agent is refused as for any borrower without a handoff: nothing tells them more.
    await _error(await agent_gateway.get(borrower_path("b-404"), headers=agent_bearer()), 403)


async def test_login_and_view_are_only_their_methods(agent_gateway):
    await _error(await agent_gateway.get(LOGIN), 405)
    await _error(await agent_gateway.post(borrower_path("b-1001"), headers=agent_bearer()), 405)


async def test_repeated_failed_logins_are_slowed_down_and_audited(agent_gateway, loans):
    for _ in range(5):
        response = await agent_gateway.post(LOGIN, json={"username": "alice", "password": "guess"})
        assert response.status == 401
    # Even the right password now waits: a guesser learns nothing from the sixth try.
    blocked = await agent_gateway.post(LOGIN, json={"username": "alice", "password": PASSWORD})
    assert await _error(blocked, 429) == "too many failed logins; try again later"
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    reasons = [e.details["reason"] for e in audit_events(loans, "agent_login_failed")]
    assert reasons == ["wrong credentials"] * 5 + ["too many failures"]
