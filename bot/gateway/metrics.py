"""Prometheus metrics of the gateway: `GET /metrics` (the text exposition format).

What is measured, and where:

- `count_requests` (the outermost middleware) times every request and counts its final status,
  under the route's canonical path (`/api/v1/agent/handoffs/{id}`, never the URL with its ids)
  or `unmatched`, so that the label sets stay bounded whatever clients ask for. WebSockets are
  counted, not timed (their "latency" is how long the socket stayed open). `POST /api/v1/chat`
  is also a borrower message, counted by outcome and status.
- `note_causes` (the innermost) sees the handler's own `ApiError`s before `json_errors` makes
  them answers, and notes a 503 whose cause is Rasa being unreachable (the chat's
  BOT_UNAVAILABLE, the agent release's BOT_UNREACHABLE): `collections_rasa_errors_total`.
- At scrape time, from the database: handoffs by status and reason. That is one grouped count
  over `handoffs`, run in the executor with a deadline (and PostgreSQL's statement_timeout),
  at most once per SNAPSHOT_SECONDS however many scrape; every gateway process reports the same
  figures (aggregate them with `max`, not `sum`). A failed count omits them and says so in
  `collections_metrics_database_up 0`.
- At scrape time, the process's own back-pressure queue, if the gateway has one (the app key
  BACKLOG of bot/gateway/keys.py, with `.depth` and `.limit`): absent, it is omitted.

Counters and histograms are per process (Prometheus scrapes each gateway). Nothing here holds
personal data: no label is ever a borrower, an id, a text or a raw URL.

Who may read it: with METRICS_TOKEN set, whoever sends `Authorization: Bearer <METRICS_TOKEN>`
(anyone else: 401); unset, only a client on loopback that no proxy forwarded (403 otherwise).
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4  # every Prometheus reads it
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.db.models import Handoff
from bot.gateway import keys
from bot.gateway.agent.handoffs import BOT_UNREACHABLE
from bot.gateway.bearer import bearer_token
from bot.gateway.borrower.chat import BOT_UNAVAILABLE
from bot.gateway.errors import ApiError
from bot.handoffs.opening import PRIORITY
from bot.runtime.settings import is_loopback

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CHAT_ROUTE = ("POST", "/api/v1/chat")
UNMATCHED = "unmatched"  # no route: a 404 or 405 of any URL, one label for all of them
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# From a few milliseconds (health, history) to Rasa's 30 s timeout.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
SNAPSHOT_SECONDS = 5.0  # the handoff counts are read at most this often
DATABASE_DEADLINE = 3.0  # the count's deadline, in the executor; PostgreSQL's own is below it
STATEMENT_TIMEOUT_MS = 2000
RASA_UNREACHABLE = frozenset({BOT_UNAVAILABLE, BOT_UNREACHABLE})
HANDOFF_STATUSES = ("open", "claimed", "closed")
_CAUSE = "metrics_cause"  # the request's note for `count_requests`, set by `note_causes`
_FORWARDED = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


class GatewayMetrics:
    """The gateway's registry: its own counters, the process's figures, and the scrape-time
    collectors (handoffs from the database, the back-pressure queue)."""

    def __init__(self, app: web.Application) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "gateway_requests", "Requests answered, by route (its canonical path) and status.",
            ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "gateway_request_duration_seconds",
            "Time from the request's arrival to its response, by route (WebSockets excluded).",
            ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.borrower_messages = Counter(
            "collections_borrower_messages",
            "Borrower messages (POST /api/v1/chat) by outcome and status code.",
            ["outcome", "status"], registry=self.registry)
        self.rasa_errors = Counter(
            "collections_rasa_errors",
            "503s answered because Rasa could not be reached or did not handle the message.",
            ["route"], registry=self.registry)
        self.handoffs = HandoffCollector(app)
        self.registry.register(self.handoffs)
        self.registry.register(BacklogCollector(app))
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)

    def observe(self, request: web.Request, status: int | None, seconds: float, timed: bool) -> None:
        method, route = request_labels(request)
        code = "cancelled" if status is None else str(status)  # the client left before an answer
        self.requests.labels(method, route, code).inc()
        if timed:
            self.latency.labels(method, route).observe(seconds)
        if (method, route) == CHAT_ROUTE:
            self.borrower_messages.labels(message_outcome(status, request.get(_CAUSE)), code).inc()
        if request.get(_CAUSE) == "rasa_unreachable":
            self.rasa_errors.labels(route).inc()

    async def exposition(self) -> bytes:
        await self.handoffs.refresh()
        return generate_latest(self.registry)


def request_labels(request: web.Request) -> tuple[str, str]:
    """(method, route): the route's canonical path, or UNMATCHED; an unknown method "other"."""
    method = request.method if request.method in METHODS else "other"
    resource = request.match_info.route.resource
    return method, resource.canonical if resource is not None else UNMATCHED


def message_outcome(status: int | None, cause: str | None) -> str:
    if status is None:
        return "cancelled"
    if status < 400:
        return "answered"
    if status == 503 and cause == "rasa_unreachable":
        return "bot_unavailable"  # kept, answered with the borrower's next message
    return {401: "unauthorised", 403: "unauthorised", 429: "rate_limited",
            503: "unavailable"}.get(status, "refused" if status < 500 else "error")


@web.middleware
async def count_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outermost: the final status (after `json_errors`) and the whole time."""
    started, status, timed = time.perf_counter(), None, True
    try:
        response = await handler(request)
        status, timed = response.status, not isinstance(response, web.WebSocketResponse)
        return response
    except web.HTTPException as error:  # what `json_errors` lets through: redirects
        status = error.status
        raise
    finally:
        metrics = request.app.get(METRICS)
        if metrics is not None:
            metrics.observe(request, status, time.perf_counter() - started, timed)


@web.middleware
async def note_causes(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Innermost: why a handler answered 503 (Rasa unreachable), for `count_requests`."""
    try:
        return await handler(request)
    except ApiError as error:
        if error.status == 503 and error.message in RASA_UNREACHABLE:
            request[_CAUSE] = "rasa_unreachable"
        raise


async def metrics_page(request: web.Request) -> web.Response:
    _check_reader(request)
    body = await request.app[METRICS].exposition()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4,
                                            "Cache-Control": "no-store"})


def _check_reader(request: web.Request) -> None:
    token = request.app[keys.SETTINGS].metrics_token
    if token:
        given = bearer_token(request)
        if given is None or not hmac.compare_digest(given.encode(), token.encode()):
            raise ApiError(401, "the metrics need the metrics token",
                           headers={"WWW-Authenticate": "Bearer"})
        return
    forwarded = any(name in request.headers for name in _FORWARDED)
    if forwarded or not is_loopback(request.remote or ""):
        raise ApiError(403, "the metrics are served on loopback only (or with METRICS_TOKEN)")


@dataclass(frozen=True)
class HandoffCounts:
    rows: tuple[tuple[str, str, int], ...]  # (status, reason, count)
    at: float


class HandoffCollector(Collector):
    """Handoffs by status and reason, from the database (the same from every gateway).

    The count is taken by `refresh` (async, off the event loop, with a deadline), before the
    registry is read; `collect` only reports the latest snapshot, or that there is none."""

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._latest: HandoffCounts | None = None
        self._failed = False
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        async with self._lock:  # scrapes at once share one count
            if self._latest is not None and time.monotonic() - self._latest.at < SNAPSHOT_SECONDS:
                return
            try:
                rows = await asyncio.wait_for(
                    self._app[keys.DATABASE].run(count_handoffs), DATABASE_DEADLINE)
            except Exception as error:  # noqa: BLE001 - any failure: the figures are omitted
                logger.warning("metrics: handoffs not counted (%s)", type(error).__name__)
                self._latest, self._failed = None, True
                return
            self._latest, self._failed = HandoffCounts(tuple(rows), time.monotonic()), False

    def describe(self) -> Iterable[Any]:
        return []  # names are only known at collect time; nothing to check at registration

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("collections_metrics_database_up",
                               "1 if the last count of handoffs from the database succeeded.")
        up.add_metric([], 0 if self._failed else 1)
        yield up
        if self._latest is None:
            return
        family = GaugeMetricFamily(
            "collections_handoffs", "Handoffs in the database by status and reason.",
            labels=["status", "reason"])
        counts = dict.fromkeys(((s, r) for s in HANDOFF_STATUSES for r in PRIORITY), 0)
        for status, reason, count in self._latest.rows:
            key = (status if status in HANDOFF_STATUSES else "other",
                   reason if reason in PRIORITY else "other")
            counts[key] = counts.get(key, 0) + count
        for (status, reason), count in sorted(counts.items()):
            family.add_metric([status, reason], count)
        yield family


def count_handoffs(session: Session) -> list[tuple[str, str, int]]:
    if session.bind.dialect.name == "postgresql":  # a slow count must not hold a connection
        session.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
    query = select(Handoff.status, Handoff.reason, func.count()).group_by(Handoff.status, Handoff.reason)
    return [(status, reason, int(count)) for status, reason, count in session.execute(query)]


class BacklogCollector(Collector):
    """The process's back-pressure queue, where the gateway has one (app key BACKLOG)."""

    def __init__(self, app: web.Application) -> None:
        self._app = app

    def describe(self) -> Iterable[Any]:
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        key = getattr(keys, "BACKLOG", None)  # added by the back-pressure work (issue 12)
        backlog = self._app.get(key) if key is not None else None
        if backlog is None:
            return
        depth = GaugeMetricFamily("collections_backlog_depth",
                                  "Borrower messages waiting or in progress in this gateway's queue.")
        depth.add_metric([], float(backlog.depth))
        yield depth
        limit = GaugeMetricFamily("collections_backlog_limit",
                                  "The most this gateway's queue holds before it answers 503.")
        limit.add_metric([], float(backlog.limit))
        yield limit


METRICS = web.AppKey("metrics", GatewayMetrics)
