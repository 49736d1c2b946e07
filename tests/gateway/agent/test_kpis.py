"""The KPI API (CONTRACT §9) through the gateway: a supervisor's, refused to agents and
trainers with the permission named; bad periods and groupings answered 400 with the reason;
CSV for a spreadsheet; the hand-built portfolio's November (tests/kpis/portfolio.py)."""
from __future__ import annotations

import csv
import io
import json

import bcrypt
import pytest

from bot.auth.agent_tokens import issue_agent_token
from bot.db.models import Agent
from bot.gateway.agent.kpis import report_json
from bot.kpis.period import Period
from bot.kpis.report import kpi_report
from bot.runtime.settings import DEV_AGENT_JWT_SECRET
from tests.gateway.support import audit_events
from tests.kpis.portfolio import build

KPIS = "/api/v1/agent/kpis"
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def headers(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_agent_token(DEV_AGENT_JWT_SECRET, username)}"}


@pytest.fixture(autouse=True)
def staff_and_portfolio(borrowers):
    digest = bcrypt.hashpw(b"a long enough password", bcrypt.gensalt(4)).decode("ascii")
    with borrowers.transaction() as session:
        session.add_all(Agent(username=name, password_hash=digest, role=role)
                        for name, role in (("sam", "supervisor"), ("alice", "agent"), ("tess", "trainer")))
    build(borrowers)


async def test_a_supervisor_reads_the_months_figures(gateway, borrowers):
    answer = await gateway.get(KPIS, params=NOVEMBER, headers=headers("sam"))
    assert answer.status == 200
    body = await answer.json()
    assert (body["from"], body["to"], body["group_by"]) == ("2026-11-01", "2026-11-30", None)
    with borrowers.transaction() as session:  # the same figures as tests/kpis/ checks by hand
        report = kpi_report(session, Period.parse(NOVEMBER["from"], NOVEMBER["to"]), None)
        assert body == json.loads(json.dumps(report_json(report)))
    # The gateway suite's own borrowers are in this database too: only the portfolio paid in November.
    assert body["currencies"]["CNY"]["recovered"] == "460.00"
    assert (body["conversations"], body["contained"], body["complaint_rate"]) == (3, 1, 0.25)
    assert [group["group"] for group in body["groups"]] == ["all"]
    assert audit_events(borrowers, "agent_viewed_kpis")


async def test_grouped_by_segment(gateway):
    answer = await gateway.get(KPIS, params={**NOVEMBER, "group_by": "segment"}, headers=headers("sam"))
    body = await answer.json()
    groups = {group["group"]: group for group in body["groups"]}
    assert groups["low/high"]["currencies"]["CNY"]["overdue_at_start"] == "1000.00"
    assert groups["low/high"]["opt_out_rate"] == 1.0
    assert body["currencies"]["CNY"]["recovered"] == "460.00"  # the whole, beside the groups


@pytest.mark.parametrize(("who", "role"), [("alice", "agent"), ("tess", "trainer")])
async def test_agents_and_trainers_are_refused(gateway, who, role):
    for path in (KPIS, KPIS + "/variants"):
        answer = await gateway.get(path, params=NOVEMBER, headers=headers(who))
        assert (answer.status, await answer.json()) == (
            403, {"error": f"the {role} role does not have the kpis permission", "missing": "kpis"})


async def test_no_token_is_401(gateway):
    assert (await gateway.get(KPIS, params=NOVEMBER)).status == 401


@pytest.mark.parametrize(("params", "why"), [
    ({"from": "2026-02-30", "to": "2026-03-01"}, "`from` is not a date that exists"),
    ({"to": "2026-03-01"}, "`from` is missing"),
    ({"from": "2026-03-02", "to": "2026-03-01"}, "is before `from`"),
    ({**NOVEMBER, "group_by": "colour"}, "group_by is one of segment, stage, variant, language"),
    ({**NOVEMBER, "format": "xml"}, "format is json or csv"),
])
async def test_a_request_that_cannot_be_answered_says_why(gateway, params, why):
    answer = await gateway.get(KPIS, params=params, headers=headers("sam"))
    assert answer.status == 400
    assert why in (await answer.json())["error"]


async def test_csv_has_one_row_per_group_and_figure(gateway):
    answer = await gateway.get(KPIS, params={**NOVEMBER, "format": "csv"}, headers=headers("sam"))
    assert answer.status == 200 and answer.content_type == "text/csv"
    assert 'filename="kpis-2026-11-01-2026-11-30.csv"' in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(await answer.text())))
    assert rows[0] == ["from", "to", "group", "figure", "value"]
    assert ["2026-11-01", "2026-11-30", "all", "currencies.CNY.recovered", "460.00"] in rows
    assert ["2026-11-01", "2026-11-30", "all", "handoffs.complaint", "1"] in rows


async def test_variants(gateway):
    answer = await gateway.get(KPIS + "/variants", params=NOVEMBER, headers=headers("sam"))
    body = await answer.json()
    assert answer.status == 200 and body["window_days"] == 7
    by_stage = {(v["stage"], v["variant"]): v for v in body["variants"]}
    assert set(by_stage) == {("D+1", "challenger"), ("D-3", "champion")}
    # L-k4 was paid on 11-20, 8 days after its D-3 reminder: outside the 7-day window.
    assert by_stage[("D-3", "champion")]["recovered"]["count"] == 0
    assert by_stage[("D-3", "champion")]["recovered"]["versus_champion"] is None
