"""The trainers' page as the gateway serves it: the page, its script and style sheet, and the
scripts and style sheet the agents' pages share, with the headers that keep them to this origin;
nothing else from their folders. Every page loads the shared script before its own, which no
longer carries a copy of it (nor, here and on the dashboard, of signing in: session.js); the
console shows trainers and supervisors the way here. No browser, no Rasa
(test_training_browser.py drives it in Chromium)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.gateway.agent import training_page
from bot.gateway.agent.console import CONSOLE_DIR
from bot.gateway.agent.dashboard_page import DASHBOARD_DIR
from bot.gateway.agent.shared_files import SHARED_DIR

DIR = training_page.TRAINING_DIR
PREFIX = "/agent/training/static/"
SHARED = "/agent/shared/"


def code_of(path) -> str:
    """A script without its comments (they may name what the code must not do)."""
    return re.sub(r"//[^\n]*", "", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", ["/agent/training", "/agent/training/"])
async def test_the_page_is_public_and_served_with_a_strict_policy(offline_gateway, path):
    answer = await offline_gateway.get(path)  # no token: the API behind it asks for one
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Frame-Options"] == "DENY"
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy
    assert "<title>Review inbox</title>" in await answer.text()


async def test_the_inbox_behind_it_still_needs_a_token(offline_gateway):
    for path in ("/api/v1/agent/review", "/api/v1/agent/review/intents"):
        assert (await offline_gateway.get(path)).status == 401


@pytest.mark.parametrize("path, folder", [
    (PREFIX + "training.js", DIR), (PREFIX + "training.css", DIR), (SHARED + "ui.js", SHARED_DIR),
    (SHARED + "session.js", SHARED_DIR), (SHARED + "pages.css", SHARED_DIR),
])
async def test_the_static_files(offline_gateway, path, folder):
    answer = await offline_gateway.get(path)
    assert answer.status == 200
    content_type = "text/css" if path.endswith(".css") else "text/javascript"
    assert answer.headers["Content-Type"] == f"{content_type}; charset=utf-8"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert await answer.read() == (folder / path.rsplit("/", 1)[1]).read_bytes()


@pytest.mark.parametrize("path", [
    PREFIX + "index.html", PREFIX + "console.js", PREFIX + "..%2F..%2Ftraining_page.py", PREFIX,
    SHARED + "index.html", SHARED + "..%2Fconsole.py", SHARED + "%2e%2e%2freview.py", SHARED,
    SHARED + "training.js", "/agent/shared",
])
async def test_nothing_else_is_served(offline_gateway, path):
    answer = await offline_gateway.get(path)
    assert answer.status == 404


class Page(HTMLParser):
    """A page's scripts, and whatever its policy would block: inline script, style or handlers."""

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


def scripts_of(folder) -> list[str]:
    page = Page()
    page.feed((folder / "index.html").read_text(encoding="utf-8"))
    return page.scripts


def test_the_page_has_nothing_inline_and_its_scripts_are_its_own():
    page = Page()
    page.feed((DIR / "index.html").read_text(encoding="utf-8"))
    assert page.found == []
    assert page.scripts == [SHARED + "ui.js", SHARED + "session.js", PREFIX + "training.js"]
    assert page.styles == [SHARED + "pages.css", PREFIX + "training.css"]  # the page's own may override


@pytest.mark.parametrize("script", [DIR / "training.js", SHARED_DIR / "ui.js", SHARED_DIR / "session.js"])
def test_the_scripts_never_parse_html_or_write_a_style(script):
    code = code_of(script)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "setAttribute(\"on", "setAttribute(\"style", ".style.", "cssText"):
        assert sink not in code, sink


def test_every_page_uses_the_shared_helpers_and_keeps_no_copy():
    for folder, own in ((CONSOLE_DIR, "/agent/static/console.js"),
                        (DASHBOARD_DIR, "/agent/dashboard/static/dashboard.js"),
                        (DIR, PREFIX + "training.js")):
        scripts = scripts_of(folder)
        assert scripts.index(SHARED + "ui.js") < scripts.index(own), folder  # deferred: in order
        code = code_of(folder / own.rsplit("/", 1)[1])
        assert "window.AgentUi" in code
        assert not re.search(r"function (el|fill)\(", code), folder


def test_it_shares_the_consoles_sign_in():
    console = (CONSOLE_DIR / "console.js").read_text(encoding="utf-8")
    keys = re.findall(r'const (\w+_KEY) = ("agentConsole\.\w+");', console)
    assert len(keys) == 3
    for name, value in keys:
        assert f"const {name} = {value};" in code_of(SHARED_DIR / "session.js")
    for folder, script, view in ((DIR, "training.js", "training"),
                                 (DASHBOARD_DIR, "dashboard.js", "dashboard")):
        code = code_of(folder / script)
        assert "agentConsole." not in code and f'view: "{view}"' in code  # no copy of the sign-in
        assert not re.search(r"function (showView|showLogin|onLogin|remember|sessionEnded)\(", code)
        scripts = scripts_of(folder)
        assert scripts.index(SHARED + "ui.js") < scripts.index(SHARED + "session.js") < len(scripts) - 1


def test_every_element_and_label_the_script_names_is_there():
    page = (DIR / "index.html").read_text(encoding="utf-8")
    code = code_of(DIR / "training.js")
    session = code_of(SHARED_DIR / "session.js")  # signing in, the top bar, the no-access view
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    named = set(re.findall(r'\$\("([^"]+)"\)', code + session)) | {"training-view"}
    named |= set(re.findall(r'\["\w+", "(f-\w+)"\]', code))  # the filters
    named |= set(re.findall(r'"((?:bulk|settle)-[\w-]+)"', code))
    assert {"login-form", "no-access-text", "rows", "context", "suggestions", "f-language", "f-to",
            "bulk-discard", "settle-relabel"} <= named
    assert named - ids == set()
    # Every label of the page itself has its words in the script, in both languages.
    assert "...Session.TEXT," in code
    labels = set(re.findall(r'data-i18n(?:-label)?="([^"]+)"', page))
    pairs = re.findall(r'^    (\w+): \[\s*"([^"]+)",\s*"([^"]+)"\],$', code + session, flags=re.MULTILINE)
    assert labels - {key for key, _, _ in pairs} == set()
    assert all(english != chinese for _, english, chinese in pairs)


def test_the_console_shows_trainers_and_supervisors_the_way_here():
    page = (CONSOLE_DIR / "index.html").read_text(encoding="utf-8")
    for element in ("training-link", "no-access-training"):
        tag = re.search(rf'<(a|p) [^>]*id="{element}"[^>]*>(.*?)</\1>', page)
        assert tag is not None and 'href="/agent/training"' in tag.group(0), element
        assert " hidden" in tag.group(0) and "target=" not in tag.group(0)  # shown by the script
    script = (CONSOLE_DIR / "console.js").read_text(encoding="utf-8")
    assert 'const REVIEWERS = ["trainer", "supervisor"];' in script
    assert '$("training-link").hidden = !REVIEWERS.includes(state.role);' in script
    assert '$("no-access-training").hidden = !REVIEWERS.includes(state.role);' in script
