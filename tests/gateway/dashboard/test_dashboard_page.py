"""The supervisors' dashboard as the gateway serves it: the page, its script, style sheet and the
vendored Chart.js, with the headers that keep it to this origin; nothing else from its folder.
No browser, no Rasa (test_dashboard_browser.py drives it in Chromium)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.gateway.agent import dashboard_page
from bot.gateway.agent.console import CONSOLE_DIR
from bot.gateway.agent.shared_files import SHARED_DIR

DIR = dashboard_page.DASHBOARD_DIR
PREFIX = "/agent/dashboard/static/"
SHARED = "/agent/shared/"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def code_of(name: str, folder=DIR) -> str:
    """The script without its comments (they may name what the code must not do)."""
    return re.sub(r"//[^\n]*", "", (folder / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", ["/agent/dashboard", "/agent/dashboard/"])
async def test_the_page_is_public_and_served_with_a_strict_policy(offline_gateway, path):
    answer = await offline_gateway.get(path)  # no token: the API behind it asks for one
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    policy = directives(answer.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "unsafe" not in answer.headers["Content-Security-Policy"]
    assert "<title>KPI dashboard</title>" in await answer.text()


async def test_the_figures_behind_it_still_need_a_token(offline_gateway):
    answer = await offline_gateway.get("/api/v1/agent/kpis?from=2026-11-01&to=2026-11-30")
    assert answer.status == 401


@pytest.mark.parametrize("name, content_type", [
    ("dashboard.js", "text/javascript; charset=utf-8"),
    ("dashboard.css", "text/css; charset=utf-8"),
    ("chart.umd.js", "text/javascript; charset=utf-8"),
])
async def test_the_static_files(offline_gateway, name, content_type):
    answer = await offline_gateway.get(PREFIX + name)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert await answer.read() == (DIR / name).read_bytes()


@pytest.mark.parametrize("path", [
    PREFIX + "index.html", PREFIX + "chart.js-LICENSE.md", PREFIX + "chart.umd.js.map",
    PREFIX + "console.js", PREFIX + "..%2Fdashboard_page.py", PREFIX + "%2e%2e%2fkpis.py", PREFIX,
    "/agent/dashboard/static/nothing.js",
])
async def test_nothing_else_is_served(offline_gateway, path):
    answer = await offline_gateway.get(path)
    assert answer.status == 404
    assert (await answer.json())["error"]


class Inline(HTMLParser):
    """Whatever the policy would block in the page: inline script, style or handlers, or a
    script or style sheet from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names, values = {name for name, _ in attrs}, dict(attrs)
        if tag == "style" or "style" in names or any(name.startswith("on") for name in names):
            self.found.append(f"<{tag} {sorted(names)}>")
        if tag == "script":
            self._in_script = True
            self.scripts.append(values.get("src") or "")
        if tag == "link":
            self.styles.append(values.get("href") or "")
        if tag == "link" and not (values.get("href") or "").startswith((PREFIX, SHARED)):
            self.found.append(f"a link elsewhere: {attrs}")

    def handle_endtag(self, tag):
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("an inline script")


def test_the_page_has_nothing_inline_and_its_scripts_are_its_own():
    page = Inline()
    page.feed((DIR / "index.html").read_text(encoding="utf-8"))
    assert page.found == []
    # Chart.js and the shared helpers first: the dashboard's script (deferred too, so in order)
    # draws with them.
    assert page.scripts == [PREFIX + "chart.umd.js", SHARED + "ui.js", SHARED + "session.js",
                            PREFIX + "dashboard.js"]
    assert page.styles == [SHARED + "pages.css", PREFIX + "dashboard.css"]  # the page's own may override


def test_the_script_never_parses_html_or_writes_a_style():
    code = code_of("dashboard.js")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "setAttribute(\"on", "setAttribute(\"style", ".style.", "cssText"):
        assert sink not in code, sink


def test_it_shares_the_consoles_sign_in():
    # The same sessionStorage keys (the shared session.js): a supervisor signed into the console
    # in a tab is signed in here.
    console = (CONSOLE_DIR / "console.js").read_text(encoding="utf-8")
    keys = re.findall(r'const (\w+_KEY) = ("agentConsole\.\w+");', console)
    assert len(keys) == 3
    for name, value in keys:
        assert f"const {name} = {value};" in code_of("session.js", SHARED_DIR)
    code = code_of("dashboard.js")
    assert "agentConsole." not in code and "window.AgentSession" in code
    assert 'view: "dashboard"' in code


def test_every_element_and_label_the_script_names_is_there():
    page = (DIR / "index.html").read_text(encoding="utf-8")
    code = code_of("dashboard.js")
    session = code_of("session.js", SHARED_DIR)  # signing in, the top bar, the no-access view
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    named = set(re.findall(r'\$\("([^"]+)"\)', code + session)) | {"dashboard-view"}
    boxes = re.search(r"const FIGURE_BOXES = \[([^\]]+)\]", code)
    assert boxes is not None
    named |= set(re.findall(r'"([^"]+)"', boxes.group(1)))
    series = re.findall(r'\["(trend-\w+)",', code)  # each line of the trend: a chart and a table
    named |= {f"{one}-{part}" for one in series for part in ("chart", "table")}
    assert {"login-form", "no-access-text", "cards", "variants-tables", "trend-kept-chart"} <= named
    assert named - ids == set()
    # Every label of the page itself has its words in the scripts, in both languages.
    assert "...Session.TEXT," in code
    labels = set(re.findall(r'data-i18n(?:-label)?="([^"]+)"', page))
    pairs = re.findall(r'^    (\w+): \[\s*"([^"]+)",\s*"([^"]+)"\],$', code + session, flags=re.MULTILINE)
    assert labels - {key for key, _, _ in pairs} == set()
    assert all(english != chinese for _, english, chinese in pairs)


def test_the_charting_library_is_chart_js_4_6_1_with_its_licence():
    library = (DIR / "chart.umd.js").read_text(encoding="utf-8")
    assert library.startswith("/*!\n * Chart.js v4.6.1\n")
    assert "Released under the MIT License" in library[:200]
    assert "The MIT License (MIT)" in (DIR / "chart.js-LICENSE.md").read_text(encoding="utf-8")
    assert "Chart.js 4.6.1 (MIT" in (DIR / "index.html").read_text(encoding="utf-8").splitlines()[1]


def test_the_console_links_here_for_a_supervisor_only():
    page = (CONSOLE_DIR / "index.html").read_text(encoding="utf-8")
    link = re.search(r"<a [^>]*id=\"dashboard-link\"[^>]*>", page)
    assert link is not None and 'href="/agent/dashboard"' in link.group(0)
    assert " hidden" in link.group(0) and "target=" not in link.group(0)  # shown by the script, same tab
    script = (CONSOLE_DIR / "console.js").read_text(encoding="utf-8")
    assert '$("dashboard-link").hidden = state.role !== "supervisor";' in script
