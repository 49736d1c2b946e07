"""GET /metrics (bot/gateway/metrics.py): counts that move, histograms that observe, handoffs
by reason from real rows (SQLite and PostgreSQL), who may read it, and a format that parses."""
from __future__ import annotations

import uuid
from dataclasses import replace
from types import SimpleNamespace

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from prometheus_client.parser import text_string_to_metric_families

from bot.db.models import Conversation
from bot.gateway import keys, metrics
from bot.gateway.app import create_app
from bot.gateway.errors import ApiError
from bot.handoffs import casework
from bot.handoffs.opening import PRIORITY, open_handoff
from tests.builders import load
from tests.gateway.support import BORROWERS, bearer, closed_port, settings_for

CHAT = "/api/v1/chat"


async def scrape(client, headers: dict[str, str] | None = None) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics: {(name, sorted labels): value}; the text must parse."""
    response = await client.get("/metrics", headers=headers)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_borrower_messages_and_time_the_route(gateway):
    before = await scrape(gateway)
    for text in ("hello", "我还欠多少钱"):
        response = await gateway.post(CHAT, json={"text": text}, headers=bearer("b-1"))
        assert response.status == 200
    refused = await gateway.post(CHAT, json={"text": "hello"})  # no token
    assert refused.status == 401
    after = await scrape(gateway)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("collections_borrower_messages_total", outcome="answered", status="200") == 2
    assert moved("collections_borrower_messages_total", outcome="unauthorised", status="401") == 1
    assert moved("gateway_requests_total", method="POST", route=CHAT, status="200") == 2
    route = {"method": "POST", "route": CHAT}
    assert moved("gateway_request_duration_seconds_count", **route) == 3
    assert moved("gateway_request_duration_seconds_sum", **route) > 0
    buckets = [value(after, "gateway_request_duration_seconds_bucket", le=le, **route)
               for le in ("0.005", "0.1", "1.0", "30.0", "+Inf")]
    assert buckets == sorted(buckets) and buckets[-1] == 3
    # the scrape itself is a request like any other
    assert value(after, "gateway_requests_total", method="GET", route="/metrics", status="200") >= 1
    assert value(after, "collections_rasa_errors_total", route=CHAT) == 0


async def test_metrics_label_routes_by_their_canonical_path_never_the_url(gateway):
    await gateway.get("/api/v1/agent/handoffs/987654")  # 401: no agent token
    await gateway.get("/no/such/page/b-1?token=secret")  # 404
    await gateway.delete("/healthz")  # 405
    samples = await scrape(gateway)
    assert value(samples, "gateway_requests_total", method="GET",
                 route="/api/v1/agent/handoffs/{id}", status="401") == 1
    assert value(samples, "gateway_requests_total", method="GET", route="unmatched", status="404") == 1
    assert value(samples, "gateway_requests_total", method="DELETE", route="unmatched", status="405") == 1
    text = await (await gateway.get("/metrics")).text()
    for leaked in ("987654", "b-1", "secret", "/no/such"):
        assert leaked not in text


async def test_metrics_count_rasa_unreachable_as_a_rasa_error(offline_gateway):
    response = await offline_gateway.post(CHAT, json={"text": "我下周还"}, headers=bearer("b-1"))
    assert response.status == 503
    samples = await scrape(offline_gateway)
    assert value(samples, "collections_rasa_errors_total", route=CHAT) == 1
    assert value(samples, "collections_borrower_messages_total", outcome="bot_unavailable", status="503") == 1
    assert "我下周还" not in await (await offline_gateway.get("/metrics")).text()


def test_metrics_tell_a_503_of_rasa_from_other_503s():
    assert metrics.message_outcome(503, "rasa_unreachable") == "bot_unavailable"
    assert metrics.message_outcome(503, None) == "unavailable"  # the database, a full queue
    assert metrics.message_outcome(429, None) == "rate_limited"
    assert metrics.message_outcome(413, None) == "refused"
    assert metrics.message_outcome(500, None) == "error"
    assert metrics.message_outcome(None, None) == "cancelled"


def _handoff(database, borrower_id: str, reason: str) -> int:
    with database.transaction() as session:
        conversation = Conversation(id=f"m-{uuid.uuid4().hex[:12]}", borrower_id=borrower_id)
        session.add(conversation)
        session.flush()
        return open_handoff(session, conversation.id, borrower_id, reason).id


async def test_metrics_report_handoffs_by_status_and_reason_from_the_database(
        database, aiohttp_client, monkeypatch):
    monkeypatch.setattr(metrics, "SNAPSHOT_SECONDS", 0.0)  # every scrape counts again
    load(database, *BORROWERS)
    app = create_app(settings_for(database.url, f"http://127.0.0.1:{closed_port()}"), database)
    client = await aiohttp_client(app)
    samples = await scrape(client)
    assert value(samples, "collections_metrics_database_up") == 1
    assert value(samples, "collections_handoffs", status="open", reason="distress") == 0

    _handoff(database, "b-1", "distress")
    _handoff(database, "b-2", "distress")
    claimed = _handoff(database, "b-1", "dispute")
    closed = _handoff(database, "b-2", "human_requested")
    with database.transaction() as session:
        casework.claim(session, claimed, "maria")
        casework.claim(session, closed, "maria")
    with database.transaction() as session:
        casework.close(session, closed, "maria")

    samples = await scrape(client)
    handoffs = {labels: count for (name, labels), count in samples.items()
                if name == "collections_handoffs" and count}
    assert handoffs == {
        (("reason", "distress"), ("status", "open")): 2,
        (("reason", "dispute"), ("status", "claimed")): 1,
        (("reason", "human_requested"), ("status", "closed")): 1,
    }
    # bounded: every reason the code knows, for each status, and nothing else
    reported = {dict(labels)["reason"] for (name, labels) in samples if name == "collections_handoffs"}
    assert reported == set(PRIORITY)


async def test_metrics_omit_handoffs_when_the_database_cannot_count(gateway, monkeypatch):
    def failing(session):
        raise RuntimeError("down")

    monkeypatch.setattr(metrics, "count_handoffs", failing)
    samples = await scrape(gateway)
    assert value(samples, "collections_metrics_database_up") == 0
    assert not [name for name, _ in samples if name == "collections_handoffs"]


async def test_metrics_report_the_backlog_when_the_gateway_has_one(
        aiohttp_client, borrowers, fake_rasa, monkeypatch):
    key = getattr(keys, "BACKLOG", None)
    if key is None:  # the back-pressure work adds it; until then, a stand-in
        key = web.AppKey("backlog", object)
        monkeypatch.setattr(keys, "BACKLOG", key, raising=False)
    settings = settings_for(borrowers.url, fake_rasa.url)
    app = create_app(settings, borrowers)
    app.pop(key, None)
    without = await aiohttp_client(app)
    assert not [n for n, _ in await scrape(without) if n.startswith("collections_backlog")]

    app = create_app(settings, borrowers)
    app[key] = SimpleNamespace(depth=3, limit=64)
    samples = await scrape(await aiohttp_client(app))
    assert value(samples, "collections_backlog_depth") == 3
    assert value(samples, "collections_backlog_limit") == 64


async def test_metrics_with_a_token_are_for_its_bearer_only(aiohttp_client, borrowers, fake_rasa):
    settings = replace(settings_for(borrowers.url, fake_rasa.url), metrics_token="metrics-secret-123")
    client = await aiohttp_client(create_app(settings, borrowers))
    assert (await client.get("/metrics")).status == 401  # loopback, but no token
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"
    assert "error" in await wrong.json()
    await scrape(client, {"Authorization": "Bearer metrics-secret-123"})


def test_metrics_without_a_token_are_for_loopback_clients_no_proxy_forwarded(borrowers):
    app = create_app(settings_for(borrowers.url, f"http://127.0.0.1:{closed_port()}"), borrowers)

    def check(remote: str, headers: dict[str, str] | None = None) -> int:
        request = make_mocked_request("GET", "/metrics", headers=headers, app=app).clone(remote=remote)
        try:
            metrics._check_reader(request)
        except ApiError as error:
            return error.status
        return 200

    assert check("127.0.0.1") == 200
    assert check("::1") == 200
    assert check("10.1.2.3") == 403
    assert check("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}) == 403
    assert check("127.0.0.1", {"Forwarded": "for=203.0.113.9"}) == 403


@pytest.mark.parametrize("status, cause", [(503, "rasa_unreachable"), (200, None)])
def test_metrics_outcomes_are_a_bounded_set(status, cause):
    assert metrics.message_outcome(status, cause) in {
        "answered", "bot_unavailable", "unavailable", "unauthorised", "rate_limited", "refused",
        "error", "cancelled"}
