"""The supervisors' dashboard in Chromium, against the gateway on PostgreSQL: a supervisor signs
in, asks for November 2026, and every figure on the page is the KPI API's for the same period
(the portfolio's hand-checked ones among them); the labels switch to Chinese; a grouped report
shows its groups; the CSVs download with the token; an error from the API shows in a banner;
a trainer is told the page needs the supervisor role. Nothing is blocked by the page's
Content-Security-Policy and no script fails."""
from __future__ import annotations

import math

import pytest
from playwright.async_api import expect

from tests.gateway.console.conftest import RESULTS
from tests.gateway.dashboard.conftest import NOVEMBER, SUPERVISOR, TRAINER, sign_in

pytestmark = pytest.mark.conversation

DASH = "—"
BUCKETS = ("1-30", "31-60", "61-90", "90+")
WEEKS = (("2026-11-01", "2026-11-07"), ("2026-11-08", "2026-11-14"), ("2026-11-15", "2026-11-21"),
         ("2026-11-22", "2026-11-28"), ("2026-11-29", "2026-11-30"))


# What the page must show for a figure of the API: the same roundings as dashboard.js
# (JavaScript's Math.round is floor(x + 0.5)).
def percent(rate: float | None) -> str:
    return DASH if rate is None else f"{math.floor(rate * 1000 + 0.5) / 10:.1f}%"


def minutes(seconds: float | None) -> str:
    return DASH if seconds is None else f"{math.floor(seconds / 6 + 0.5) / 10:.1f} min"


def points(difference: float) -> str:
    tenths = math.floor(difference * 1000 + 0.5)
    return f"{'+' if tenths > 0 else ''}{tenths / 10:.1f} pp"


def rate_with_interval(outcome: dict) -> str:
    low, high = outcome["interval"] or (None, None)
    return f"{percent(outcome['rate'])} ({percent(low)} – {percent(high)})"


def row_header(page, table: str, key: str, value: str):
    """The header cell of the row of `#table` whose data-`key` is `value`."""
    return page.locator(f'#{table} tr[data-{key}="{value}"] th')


def figure(page, name: str, within: str = "body"):
    return page.locator(f'{within} [data-figure="{name}"]')


async def shows(page, name: str, text: str, within: str = "body") -> None:
    """The figure called `name` (data-figure) shows `text`, within the element `within` names."""
    await expect(figure(page, name, within)).to_have_text(text)


async def show_period(page, first: str, last: str, group_by: str = "") -> None:
    """Asks for the period and waits until every part of the page, the trend too, is for it."""
    await page.locator("#from").fill(first)
    await page.locator("#to").fill(last)
    await page.locator("#group-by").select_option(group_by)
    await page.locator("#refresh").click()
    await expect(page.locator("#trend-kept-table tbody tr").first).to_have_attribute("data-slice", first)
    await expect(page.locator("#refresh")).to_be_enabled()


async def test_a_supervisor_sees_the_apis_figures_in_english_and_chinese(dashboard, kpi_api):
    page = dashboard.page
    await sign_in(page)
    await expect(page.locator("#dashboard-view")).to_be_visible()
    await expect(page.locator("#whoami")).to_have_text(SUPERVISOR)
    await expect(page.locator("#whorole")).to_have_text("Supervisor")
    await show_period(page, *NOVEMBER)
    await expect(page.locator("#status")).to_have_text(
        "Figures for 2026-11-01 – 2026-11-30 (UTC days, inclusive).")
    report = await kpi_api.report(*NOVEMBER)

    await check_headline(page, report)
    await check_funnel_handoffs_and_buckets(page, report)
    await check_trend(page, kpi_api)
    await check_variants(page, await kpi_api.variants(*NOVEMBER))
    view = page.locator("#dashboard-view")
    for nonsense in ("undefined", "NaN", "null", "[object"):
        await expect(view).not_to_contain_text(nonsense)
    await expect(page.locator("#groups-section")).to_be_hidden()
    await expect(page.locator("#banner")).to_be_hidden()
    RESULTS.mkdir(exist_ok=True)
    await page.evaluate("window.scrollTo(0, 0)")  # the controls stick to the top once scrolled
    await page.screenshot(path=str(RESULTS / "dashboard.png"), full_page=True)

    # 中文: every label changes, the figures stay; the choice outlives a reload, as does the sign-in.
    await page.get_by_role("button", name="中文").click()
    await expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    await expect(page.locator("#cards-heading")).to_have_text("核心指标")
    await expect(page.locator("#cards .card-title").first).to_have_text("回款率 · CNY")
    await expect(page.locator("#cards")).to_contain_text("投诉率")
    await expect(page.locator("#refresh")).to_have_text("刷新")
    await expect(row_header(page, "handoffs-table", "reason", "complaint")).to_have_text("投诉")
    await expect(row_header(page, "held-back-table", "rule", "quiet_hours")).to_have_text("非联系时段")
    await expect(page.locator("#funnel-table tbody th").first).to_have_text("已触达")
    await shows(page, "first_answer.median", "5.0 分钟")
    await shows(page, "recovery_rate.CNY", "26.9%")
    await expect(page.get_by_role("button", name="中文")).to_have_attribute("aria-pressed", "true")
    labels = await page.evaluate("Chart.getChart('funnel-chart').data.labels")
    assert labels == ["已触达", "已回复", "达成安排", "已履约"]
    await page.reload()
    await expect(page.locator("#dashboard-view")).to_be_visible()
    await expect(page.locator("#cards-heading")).to_have_text("核心指标")
    await page.get_by_role("button", name="English").click()
    await expect(page.locator("#cards-heading")).to_have_text("Headline figures")
    assert dashboard.problems == []


async def check_headline(page, report: dict) -> None:
    cny = report["currencies"]["CNY"]
    # The portfolio's hand-checked November (tests/kpis/test_report.py), as the API gives it.
    assert (cny["overdue_at_start"], cny["recovered"], cny["recovery_rate"]) == ("1710.00", "460.00", 0.269)
    await shows(page, "recovery_rate.CNY", percent(cny["recovery_rate"]))
    await shows(page, "recovery_rate.CNY", "26.9%")
    await shows(page, "recovered.CNY", f"CNY {cny['recovered']}")
    await shows(page, "overdue_at_start.CNY", f"CNY {cny['overdue_at_start']}")
    await shows(page, "recovery_rate.USD", percent(report["currencies"]["USD"]["recovery_rate"]))
    await shows(page, "recovered.USD", "USD 0.00")
    for name in ("containment_rate", "complaint_rate", "opt_out_rate"):
        await shows(page, name, percent(report[name]), "#cards")
    await shows(page, "containment_rate", "33.3%", "#cards")
    await shows(page, "promises.made", str(report["promises"]["made"]), "#cards")
    await shows(page, "promises.kept_rate", percent(report["promises"]["kept_rate"]), "#cards")
    await shows(page, "handoffs_total", str(report["handoffs_total"]))
    answer = report["first_answer_seconds"]
    await shows(page, "first_answer.median", minutes(answer["median"]))
    await shows(page, "first_answer.p90", minutes(answer["p90"]))
    await shows(page, "first_answer.p90", "20.0 min")
    await shows(page, "outreach.sent", str(report["outreach"]["sent"]), "#cards")
    await shows(page, "outreach.suppressed_total", str(report["outreach"]["suppressed_total"]))


async def check_funnel_handoffs_and_buckets(page, report: dict) -> None:
    funnel = {"contacted": report["outreach"]["sent"], "replied": report["conversations"],
              "arrangement": sum(report["arrangements"].values()), "kept": report["promises"]["kept"]}
    for step, count in funnel.items():
        await shows(page, f"funnel.{step}", str(count))
    drawn = await page.evaluate("Chart.getChart('funnel-chart').data.datasets[0].data")
    assert drawn == list(funnel.values())

    handoffs = page.locator("#handoffs-table tbody tr")
    await expect(handoffs).to_have_count(len(report["handoffs"]))
    for reason, count in report["handoffs"].items():
        await shows(page, f"handoffs.{reason}", str(count))
    human = row_header(page, "handoffs-table", "reason", "human_requested")
    await expect(human).to_have_text("Asked for a person")
    assert sorted(await page.evaluate("Chart.getChart('handoffs-chart').data.datasets[0].data")) == sorted(
        report["handoffs"].values())
    for rule, count in report["outreach"]["suppressed"].items():
        await shows(page, f"suppressed.{rule}", str(count))

    for name in BUCKETS:
        bucket = report["buckets"][name]
        for key in ("loans", "cured", "rolled"):
            await shows(page, f"buckets.{name}.{key}", str(bucket[key]))
        for key in ("cure_rate", "roll_rate"):
            await shows(page, f"buckets.{name}.{key}", percent(bucket[key]))
    await expect(figure(page, "buckets.61-90.cure_rate")).to_have_text(DASH)  # no loans: not 0%
    await shows(page, "buckets.31-60.roll_rate", "100.0%")


async def check_trend(page, kpi_api) -> None:
    note = "The period in 5 weeks, each with its own figures."
    await expect(page.locator("#trend-note")).to_have_text(note)
    await expect(page.locator("#trend-recovery-title")).to_have_text("Recovery rate (CNY)")
    for first, last in WEEKS:
        week = await kpi_api.report(first, last)
        cny = week["currencies"].get("CNY", {}).get("recovery_rate")
        expected = {"recovery": percent(cny), "containment": percent(week["containment_rate"]),
                    "kept": percent(week["promises"]["kept_rate"])}
        for series, text in expected.items():
            row = page.locator(f'#trend-{series}-table tr[data-slice="{first}"]')
            await expect(row.locator("th")).to_have_text(f"{first} – {last}")
            await expect(row.locator("td")).to_have_text(text)
    points_drawn = await page.evaluate("Chart.getChart('trend-containment-chart').data.datasets[0].data")
    assert len(points_drawn) == len(WEEKS)


async def check_variants(page, body: dict) -> None:
    variants = body["variants"]
    compared = {(one["stage"], one["variant"]) for one in variants}
    assert compared >= {("D+7", "champion"), ("D+7", "challenger")}
    await expect(page.locator("#variants-tables tbody tr")).to_have_count(len(variants))
    for one in variants:
        await expect(page.locator(within_row(one)).locator("th")).to_have_text(one["variant"])
        await shows(page, "contacts", str(one["contacts"]), within_row(one))
        for key in ("recovered", "promised"):
            await check_outcome(page, within_row(one), key, one[key])
    challenger = next(one for one in variants if (one["stage"], one["variant"]) == ("D+7", "challenger"))
    versus = challenger["recovered"]["versus_champion"]
    assert versus["difference"] == 0.5 and versus["more_needed"] > 0  # 1 of 1 against 1 of 2
    await expect(page.locator('#variants-tables [data-stage="D+7"] caption')).to_have_text("Stage D+7")
    drawn = await page.evaluate("Chart.getChart('variants-chart').data.datasets.map((d) => d.data)")
    assert drawn[0] == [math.floor(one["recovered"]["rate"] * 1000 + 0.5) / 10 for one in variants]


def within_row(one: dict) -> str:
    return f'#variants-tables tr[data-stage="{one["stage"]}"][data-variant="{one["variant"]}"]'


async def check_outcome(page, row: str, key: str, outcome: dict) -> None:
    await shows(page, f"{key}.rate", rate_with_interval(outcome), row)
    versus = outcome["versus_champion"]
    if versus is None:  # the champion itself
        await shows(page, f"{key}.difference", "champion", row)
        return
    await shows(page, f"{key}.difference", points(versus["difference"]), row)
    p_value = DASH if versus["p_value"] is None else f"{versus['p_value']:.4f}"
    await shows(page, f"{key}.p_value", p_value, row)
    await shows(page, f"{key}.significant", "yes" if versus["significant"] else "no", row)
    more = versus["more_needed"]
    sample = ("no difference to find" if versus["needed_per_variant"] is None
              else f"needs {more} more per variant" if more else "enough to tell")
    await shows(page, f"{key}.more_needed", sample, row)


async def test_grouped_figures_and_the_csv_downloads(dashboard, kpi_api):
    page = dashboard.page
    await sign_in(page)
    await show_period(page, *NOVEMBER, group_by="segment")
    report = await kpi_api.report(*NOVEMBER, group_by="segment")
    rows = page.locator("#groups-table tbody tr")
    await expect(page.locator("#groups-section")).to_be_visible()
    await expect(rows).to_have_count(len(report["groups"]))
    assert [await row.get_attribute("data-group") for row in await rows.all()] == [
        group["group"] for group in report["groups"]]
    for group in report["groups"]:
        row = f'#groups-table tr[data-group="{group["group"]}"]'
        cny = group["currencies"].get("CNY", {}).get("recovery_rate")
        await shows(page, "recovery_rate.CNY", percent(cny), row)
        await shows(page, "conversations", str(group["conversations"]), row)
        await shows(page, "containment_rate", percent(group["containment_rate"]), row)
        await shows(page, "complaint_rate", percent(group["complaint_rate"]), row)
        await shows(page, "outreach.sent", str(group["outreach"]["sent"]), row)
    await expect(row_header(page, "groups-table", "group", "not contacted")).to_have_text("not contacted")
    # Reached by none of November's outreach: L-k3 alone, which owes USD: no CNY rate, not 0%.
    await shows(page, "recovery_rate.CNY", DASH, '#groups-table tr[data-group="not contacted"]')
    # The whole portfolio's cards stay as without a group.
    await shows(page, "recovery_rate.CNY", "26.9%", "#cards")

    async with page.expect_download() as report_csv:
        await page.locator("#csv-report").click()
    download = await report_csv.value
    assert download.suggested_filename == "kpis-2026-11-01-2026-11-30.csv"
    saved = (await download.path()).read_bytes().decode("utf-8")  # byte for byte
    assert saved.splitlines()[0] == "from,to,group,figure,value"
    november = {"from": NOVEMBER[0], "to": NOVEMBER[1]}
    assert saved == await kpi_api.csv("/kpis", **november, group_by="segment")
    assert "2026-11-01,2026-11-30,low/low,currencies.CNY.recovered,310.00" in saved.splitlines()

    async with page.expect_download() as variants_csv:
        await page.locator("#csv-variants").click()
    download = await variants_csv.value
    assert download.suggested_filename == "variants-2026-11-01-2026-11-30.csv"
    saved = (await download.path()).read_bytes().decode("utf-8")  # byte for byte
    assert saved.splitlines()[0] == "from,to,stage,variant,figure,value"
    assert saved == await kpi_api.csv("/kpis/variants", **november)
    assert "2026-11-01,2026-11-30,D+7,challenger,contacts,1" in saved.splitlines()
    await expect(page.locator("#banner")).to_be_hidden()
    assert dashboard.problems == []


async def test_an_api_error_shows_in_a_banner_and_the_page_stays_usable(dashboard):
    page = dashboard.page
    await sign_in(page)
    await show_period(page, *NOVEMBER)
    await page.locator("#from").fill("2026-12-01")
    await page.locator("#refresh").click()
    await expect(page.locator("#banner-text")).to_have_text(
        "Could not load the figures: `to` (2026-11-30) is before `from` (2026-12-01)")
    # What is shown is still November's, and says so.
    await shows(page, "recovery_rate.CNY", "26.9%")
    await expect(page.locator("#status")).to_contain_text("2026-11-01 – 2026-11-30")
    await show_period(page, "2026-11-25", "2026-11-30")
    await expect(page.locator("#banner")).to_be_hidden()
    await expect(page.locator("#trend-kept-table tbody tr")).to_have_count(6)  # day by day
    await expect(page.locator("#trend-note")).to_have_text("The period in 6 days, each with its own figures.")
    assert dashboard.problems == []


async def test_a_trainer_is_told_it_needs_the_supervisor_role(dashboard):
    page = dashboard.page
    await sign_in(page, TRAINER)
    await expect(page.locator("#no-access-view")).to_be_visible()
    await expect(page.locator("#no-access-heading")).to_have_text("Needs the supervisor role")
    await expect(page.locator("#no-access-text")).to_contain_text("the trainer role cannot see the KPIs")
    await expect(page.locator("#dashboard-view")).to_be_hidden()
    await expect(page.locator("#cards")).to_be_empty()
    await page.get_by_role("button", name="中文").click()
    await expect(page.locator("#no-access-heading")).to_have_text("需要主管角色")
    await expect(page.locator("#no-access-text")).to_contain_text("训练师角色无权查看指标")
    await page.get_by_role("button", name="退出登录").click()
    await expect(page.locator("#login-view")).to_be_visible()
    assert dashboard.problems == []


async def test_a_token_that_no_longer_works_returns_to_the_sign_in(dashboard):
    page = dashboard.page
    await page.evaluate("""() => {
        sessionStorage.setItem("agentConsole.token", "not-a-token");
        sessionStorage.setItem("agentConsole.username", "sam.lee");
        sessionStorage.setItem("agentConsole.role", "supervisor");
    }""")
    await page.reload()
    await expect(page.locator("#login-view")).to_be_visible()
    await expect(page.locator("#login-error")).to_have_text("Your session has ended. Please sign in again.")
    assert await page.evaluate("sessionStorage.getItem('agentConsole.token')") is None
    assert dashboard.problems == []


async def test_the_console_links_a_supervisor_to_the_dashboard_signed_in(dashboard, dashboard_gateway):
    page = dashboard.page
    await page.goto(f"{dashboard_gateway.gateway}/agent")
    await sign_in(page)
    link = page.get_by_role("link", name="Dashboard")
    await expect(link).to_be_visible()
    await link.click()
    await expect(page).to_have_url(f"{dashboard_gateway.gateway}/agent/dashboard")
    await expect(page.locator("#dashboard-view")).to_be_visible()  # the console's token, no new sign-in
    await expect(page.locator("#whoami")).to_have_text(SUPERVISOR)
    await page.get_by_role("link", name="Agent console").click()
    await page.get_by_role("button", name="Sign out").click()
    await sign_in(page, TRAINER)
    await expect(page.locator("#no-access-view")).to_be_visible()  # the console's: a trainer has no cases
    await expect(page.get_by_role("link", name="Dashboard")).to_be_hidden()
    assert dashboard.problems == []
