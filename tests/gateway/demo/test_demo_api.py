"""The demo chat's switch and its two endpoints (bot/gateway/demo/api.py), on a real SQLite
database: on with the development wallet secret or DEMO_CHAT=1, off (every URL a 404, as for
any unknown URL) with a real secret or DEMO_CHAT=0; a token only for a demo borrower."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.auth.borrower_tokens import borrower_of_token
from bot.clock import utcnow
from bot.gateway.app import create_app
from bot.loans.demo import demo_borrowers
from bot.loans.fixtures import load_fixture
from bot.runtime.settings import DEV_JWT_SECRET, Settings
from tests.builders import load
from tests.gateway.support import BORROWERS, SECRET, audit_events

DEMO_URLS = [
    ("GET", "/demo"), ("GET", "/demo/"), ("GET", "/demo/static/demo.js"),
    ("GET", "/demo/static/demo.css"), ("GET", "/demo/api/borrowers"), ("POST", "/demo/api/token"),
]
SHOWN = ("b-1001", "b-1005", "b-1006", "b-2004")  # a few of the demo borrowers are loaded


@pytest.fixture
def database(sqlite_database):
    """Some demo borrowers, and the gateway tests' own (not demo borrowers)."""
    with sqlite_database.transaction() as session:
        load_fixture(session, [spec for spec in demo_borrowers() if spec.id in SHOWN])
    load(sqlite_database, *BORROWERS)
    return sqlite_database


@pytest.fixture
def make_gateway(aiohttp_client, database):
    async def make(**env: str):
        settings = Settings.from_env({"DATABASE_URL": database.url, "RASA_URL": "http://127.0.0.1:9", **env})
        return await aiohttp_client(create_app(settings, database))

    return make


@pytest.fixture
async def demo(make_gateway):
    """The gateway as `make run` starts it: the development wallet secret, the demo on."""
    return await make_gateway()


@pytest.mark.parametrize("env", [
    {"WALLET_JWT_SECRET": SECRET},  # production: a real secret, DEMO_CHAT unset
    {"WALLET_JWT_SECRET": SECRET, "DEMO_CHAT": ""},
    {"DEMO_CHAT": "0"},  # off even with the development secret
    {"WALLET_JWT_SECRET": SECRET, "DEMO_CHAT": "off"},
], ids=["real-secret", "real-secret-empty-switch", "dev-secret-switched-off", "real-secret-off"])
@pytest.mark.parametrize("method, path", DEMO_URLS)
async def test_off_every_demo_url_is_a_404_like_an_unknown_one(make_gateway, env, method, path):
    gateway = await make_gateway(**env)
    answer = await gateway.request(method, path, json={"borrower_id": "b-1001"})
    unknown = await gateway.request(method, "/no-such-page", json={"borrower_id": "b-1001"})
    assert answer.status == unknown.status == 404
    assert await answer.json() == await unknown.json() == {"error": "not found"}


@pytest.mark.parametrize("env", [{}, {"WALLET_JWT_SECRET": DEV_JWT_SECRET}, {"DEMO_CHAT": "1"},
                                 {"WALLET_JWT_SECRET": SECRET, "DEMO_CHAT": "1"},
                                 {"WALLET_JWT_SECRET": SECRET, "DEMO_CHAT": "true"}],
                         ids=["dev-secret-unset", "dev-secret-set", "dev-secret-on", "real-secret-on",
                              "real-secret-true"])
async def test_on_with_the_development_secret_or_the_explicit_switch(make_gateway, env):
    gateway = await make_gateway(**env)
    for method, path in DEMO_URLS:
        answer = await gateway.request(method, path, json={"borrower_id": "b-1001"})
        assert answer.status == 200, (path, await answer.text())


async def test_the_borrowers_are_the_demo_ones_the_database_holds_in_the_demo_order(demo):
    answer = await demo.get("/demo/api/borrowers")
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert (await answer.json())["borrowers"] == [
        {"id": "b-1001", "name": "王伟", "language": "zh", "currencies": ["CNY"], "days_past_due": 39},
        {"id": "b-1005", "name": "刘洋", "language": "zh", "currencies": ["CNY"], "days_past_due": 0},
        {"id": "b-1006", "name": "赵敏", "language": "zh", "currencies": ["CNY", "USD"],
         "days_past_due": 130},
        {"id": "b-2004", "name": "David Wong", "language": "en", "currencies": ["HKD"],
         "days_past_due": 200},
    ]  # b-1 and b-2, in the database too, are nobody's demo borrowers


async def test_a_token_for_a_demo_borrower_works_with_the_real_chat_api(make_gateway, database):
    gateway = await make_gateway(WALLET_JWT_SECRET=SECRET, DEMO_CHAT="1")
    answer = await gateway.post("/demo/api/token", json={"borrower_id": "b-1001"})
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "no-store"
    body = await answer.json()
    assert body["borrower_id"] == "b-1001" and body["expires_at"]
    claims = borrower_of_token(SECRET, body["token"])  # signed with the wallet's secret
    assert claims.subject == "b-1001"
    assert claims.expires_at <= utcnow() + timedelta(minutes=30)
    history = await gateway.get("/api/v1/chat/history",
                                headers={"Authorization": f"Bearer {body['token']}"})
    assert history.status == 200
    assert (await history.json())["events"] == []
    [issued] = audit_events(database, "demo_token_issued")
    assert issued.borrower_id == "b-1001"


async def test_the_token_lasts_no_longer_than_the_gateway_accepts(make_gateway):
    gateway = await make_gateway(WALLET_TOKEN_MAX_SECONDS="600")
    body = await (await gateway.post("/demo/api/token", json={"borrower_id": "b-2004"})).json()
    claims = borrower_of_token(DEV_JWT_SECRET, body["token"], timedelta(seconds=600))
    assert claims.expires_at <= utcnow() + timedelta(seconds=600)


@pytest.mark.parametrize("borrower_id", [
    "b-1",  # in the database, not a demo borrower
    "b-1002",  # a demo borrower's id the database does not hold
    "b-9999", "", "B-1001", "b-1001 ", "../b-1001",
])
async def test_no_token_for_anyone_outside_the_demo_list(demo, database, borrower_id):
    answer = await demo.post("/demo/api/token", json={"borrower_id": borrower_id})
    assert answer.status == 404
    assert await answer.json() == {"error": "no such demo borrower"}
    assert audit_events(database, "demo_token_issued") == []


async def test_no_token_for_a_customer_who_has_a_demo_borrowers_id(demo, database):
    # A real customer's record that happens to carry a demo id is not the demo borrower.
    with database.transaction() as session:
        from bot.db.models import Borrower

        session.get(Borrower, "b-2004").name = "Someone Real"
    answer = await demo.post("/demo/api/token", json={"borrower_id": "b-2004"})
    assert answer.status == 404
    listed = (await (await demo.get("/demo/api/borrowers")).json())["borrowers"]
    assert "b-2004" not in [b["id"] for b in listed]


@pytest.mark.parametrize("body", [
    b"", b"not json", b"{", b"[]", b'"b-1001"', b"null", b"{}", b'{"borrower_id": 1001}',
    b'{"borrower_id": null}', b'{"borrower_id": ["b-1001"]}', b'{"id": "b-1001"}',
    b"[" * 500 + b"]" * 500,
])
async def test_a_malformed_body_is_a_json_400(demo, body):
    answer = await demo.post("/demo/api/token", data=body, headers={"Content-Type": "application/json"})
    assert answer.status == 400
    assert answer.content_type == "application/json"
    assert "error" in await answer.json()


async def test_a_body_beyond_a_kilobyte_is_a_413(demo):
    padding = "x" * 2000
    answer = await demo.post("/demo/api/token", json={"borrower_id": "b-1001", "padding": padding})
    assert answer.status == 413
    assert await answer.json() == {"error": "the request body is too large"}


async def test_the_token_endpoint_takes_only_post(demo):
    answer = await demo.get("/demo/api/token")
    assert answer.status == 405
    assert "error" in await answer.json()
