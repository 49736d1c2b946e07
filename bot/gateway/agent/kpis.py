"""The KPI API for supervisors (CONTRACT §9): `GET /api/v1/agent/kpis` and
`GET /api/v1/agent/kpis/variants`, as JSON, or as CSV with `format=csv` (one row per group
and figure, for a spreadsheet). The figures and their definitions: bot/kpis/, README."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot import audit
from bot.gateway.agent.auth import authenticate_agent
from bot.gateway.errors import ApiError
from bot.gateway.keys import DATABASE
from bot.kpis.groups import GroupError, check_group_by
from bot.kpis.period import Period, PeriodError
from bot.kpis.recovery import BUCKETS
from bot.kpis.report import Figures, Report, kpi_report, rate
from bot.kpis.statistics import Comparison, Interval
from bot.kpis.variants import WINDOW_DAYS, Outcome, VariantFigures, variant_figures
from bot.money import quantize

DIGITS = 4  # of a rate


async def get_kpis(request: web.Request) -> web.Response:
    period, group_by, as_csv = _query(request, with_group=True)
    username = (await authenticate_agent(request)).username
    report = await request.app[DATABASE].run(_report, period, group_by, username)
    body = report_json(report)
    if as_csv:
        return _csv(_report_rows(body), f"kpis-{period.first}-{period.last}.csv")
    return web.json_response(body)


async def get_variants(request: web.Request) -> web.Response:
    period, _, as_csv = _query(request, with_group=False)
    username = (await authenticate_agent(request)).username
    figures = await request.app[DATABASE].run(_variants, period, username)
    body = {"from": period.first.isoformat(), "to": period.last.isoformat(), "window_days": WINDOW_DAYS,
            "test": "two-proportion z-test (pooled), two-sided, alpha 0.05; Wilson 95% intervals; "
                    "sample for power 0.8",
            "variants": [_variant_json(one) for one in figures]}
    if as_csv:
        return _csv(_variant_rows(body), f"variants-{period.first}-{period.last}.csv")
    return web.json_response(body)


def _query(request: web.Request, *, with_group: bool) -> tuple[Period, str | None, bool]:
    query = request.query
    try:
        period = Period.parse(query.get("from"), query.get("to"))
        group_by = check_group_by(query.get("group_by")) if with_group else None
    except (PeriodError, GroupError) as error:
        raise ApiError(400, str(error)) from None
    if query.get("format", "json") not in ("json", "csv"):
        raise ApiError(400, "format is json or csv")
    return period, group_by, query.get("format") == "csv"


def _report(session: Session, period: Period, group_by: str | None, username: str) -> Report:
    _audit(session, username, period, group_by=group_by)
    return kpi_report(session, period, group_by)


def _variants(session: Session, period: Period, username: str) -> list[VariantFigures]:
    _audit(session, username, period, variants=True)
    return variant_figures(session, period)


def _audit(session: Session, username: str, period: Period, **asked: Any) -> None:
    audit.record(session, audit.agent(username), "agent_viewed_kpis",
                 details={"from": period.first.isoformat(), "to": period.last.isoformat(), **asked})


def report_json(report: Report) -> dict[str, Any]:
    """The whole portfolio's figures at the top level, and each group's under `groups`."""
    return {"from": report.period.first.isoformat(), "to": report.period.last.isoformat(),
            "group_by": report.group_by, **figures_json(report.total),
            "groups": [{"group": one.group, **figures_json(one)} for one in report.groups]}


def figures_json(figures: Figures) -> dict[str, Any]:
    chats, agreed, contacts = figures.chats, figures.agreed, figures.contacts
    promises = agreed.promises
    kept, broken = promises.get("kept", 0), promises.get("broken", 0)
    return {
        "conversations": chats.conversations,
        "contained": chats.contained,
        "containment_rate": _rate(chats.contained, chats.conversations),
        "handoffs": dict(sorted(chats.handoffs.items())),
        "handoffs_total": sum(chats.handoffs.values()),
        "first_answer_seconds": {"answered": chats.first_answer.answered,
                                 "unanswered": chats.first_answer.unanswered,
                                 "median": chats.first_answer.median_seconds,
                                 "p90": chats.first_answer.p90_seconds},
        "promises": {"made": agreed.promises_made, "kept": kept, "broken": broken,
                     "active": promises.get("active", 0), "cancelled": promises.get("cancelled", 0),
                     "kept_rate": _rate(kept, kept + broken)},
        "arrangements": dict(sorted(agreed.by_type.items())),
        "currencies": {currency: {"overdue_at_start": _money(money.overdue_at_start, currency),
                                  "recovered": _money(money.recovered, currency),
                                  "recovery_rate": _rate(money.recovered, money.overdue_at_start)}
                       for currency, money in sorted(figures.money.items())},
        "buckets": {name: {"loans": bucket.loans, "cured": bucket.cured, "rolled": bucket.rolled,
                           "cure_rate": _rate(bucket.cured, bucket.loans),
                           "roll_rate": _rate(bucket.rolled, bucket.loans)}
                    for name in BUCKETS for bucket in [figures.buckets.get(name)] if bucket is not None},
        "borrowers_reached": chats.reached,
        "complaint_rate": _rate(chats.complained, chats.reached),
        "opt_out_rate": _rate(chats.opted_out, chats.reached),
        "outreach": {"sent": contacts.sent, "suppressed": dict(sorted(contacts.suppressed.items())),
                     "suppressed_total": sum(contacts.suppressed.values())},
    }


def _variant_json(figures: VariantFigures) -> dict[str, Any]:
    return {"stage": figures.stage, "variant": figures.variant, "contacts": figures.contacts,
            "recovered": _outcome_json(figures.recovered), "promised": _outcome_json(figures.promised)}


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {"count": outcome.successes, "rate": _rate(outcome.successes, outcome.trials),
            "interval": _interval(outcome.interval), "versus_champion": _comparison(outcome.versus_champion)}


def _interval(interval: Interval | None) -> list[float] | None:
    return None if interval is None else [round(interval.low, DIGITS), round(interval.high, DIGITS)]


def _comparison(comparison: Comparison | None) -> dict[str, Any] | None:
    if comparison is None:
        return None
    return {"difference": round(comparison.difference, DIGITS),
            "p_value": None if comparison.p_value is None else round(comparison.p_value, DIGITS),
            "significant": comparison.significant, "needed_per_variant": comparison.needed_per_variant,
            "more_needed": comparison.more_needed}


def _rate(numerator: int | Decimal, denominator: int | Decimal) -> float | None:
    share = rate(numerator, denominator)
    return None if share is None else round(share, DIGITS)


def _money(amount: Decimal, currency: str) -> str:
    return str(quantize(amount, currency))


def _report_rows(body: dict[str, Any]) -> Iterator[list[Any]]:
    yield ["from", "to", "group", "figure", "value"]
    for group in body["groups"]:
        for name, value in _flat({k: v for k, v in group.items() if k != "group"}):
            yield [body["from"], body["to"], group["group"], name, value]


def _variant_rows(body: dict[str, Any]) -> Iterator[list[Any]]:
    yield ["from", "to", "stage", "variant", "figure", "value"]
    for one in body["variants"]:
        for name, value in _flat({k: v for k, v in one.items() if k not in ("stage", "variant")}):
            yield [body["from"], body["to"], one["stage"], one["variant"], name, value]


def _flat(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """`{"promises": {"made": 3}}` as ("promises.made", 3); a list as its items, joined."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flat(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        yield prefix, " ".join(str(item) for item in value)
    else:
        yield prefix, "" if value is None else value


def _csv(rows: Iterator[list[Any]], filename: str) -> web.Response:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return web.Response(text=out.getvalue(), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
