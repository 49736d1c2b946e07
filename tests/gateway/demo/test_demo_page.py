"""The demo chat's files as the gateway serves them: the page, its one script and one style
sheet (and the agents' pages' shared DOM helper, /agent/shared/ui.js), with the agent console's
strict headers; nothing inline, nothing from elsewhere, and a script that never parses text as
HTML. No browser, no Rasa."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.gateway.app import create_app
from bot.gateway.demo import pages
from bot.gateway.live.socket import TOKEN_EXPIRED
from bot.runtime.settings import Settings
from tests.gateway.console.test_console_page import directives

PAGE = (pages.STATIC_DIR / pages.PAGE).read_text(encoding="utf-8")
SCRIPT = (pages.STATIC_DIR / "demo.js").read_text(encoding="utf-8")
STYLE = (pages.STATIC_DIR / "demo.css").read_text(encoding="utf-8")
SHARED_UI = "/agent/shared/ui.js"  # el(), shared with the agents' pages: no copy here


@pytest.fixture
async def gateway(aiohttp_client, sqlite_database):
    settings = Settings.from_env({"DATABASE_URL": sqlite_database.url, "RASA_URL": "http://127.0.0.1:9"})
    return await aiohttp_client(create_app(settings, sqlite_database))  # the development secret: on


@pytest.mark.parametrize("path", ["/demo", "/demo/"])
async def test_the_page_is_served_with_a_strict_policy(gateway, path):
    answer = await gateway.get(path)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["X-Frame-Options"] == "DENY"
    policy = directives(answer.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    host = f"{answer.url.host}:{answer.url.port}"
    assert policy["connect-src"] == ["'self'", f"ws://{host}", f"wss://{host}"]  # the chat's socket
    assert "unsafe" not in answer.headers["Content-Security-Policy"]
    assert await answer.text() == PAGE


@pytest.mark.parametrize("name, content_type", [
    ("demo.js", "text/javascript; charset=utf-8"), ("demo.css", "text/css; charset=utf-8"),
])
async def test_the_script_and_style_sheet(gateway, name, content_type):
    answer = await gateway.get(f"/demo/static/{name}")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in answer.headers
    assert await answer.read() == (pages.STATIC_DIR / name).read_bytes()


@pytest.mark.parametrize("path", [
    "/demo/static/index.html", "/demo/static/..%2Fpages.py", "/demo/static/%2e%2e%2fapi.py",
    "/demo/static/", "/demo/static/demo.js.map", "/demo/static/console.js",
])
async def test_nothing_else_is_served(gateway, path):
    answer = await gateway.get(path)
    assert answer.status == 404
    assert (await answer.json())["error"]


class Inline(HTMLParser):
    """Whatever the policy would block in the page, or anything it would fetch from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        if tag == "style" or "style" in named or any(name.startswith("on") for name in named):
            self.found.append(f"<{tag} {sorted(named)}>")
        if tag == "script":
            self._in_script = True
            self.scripts.append(named.get("src", ""))
            # Its own, and the agents' pages' DOM helper (this origin, the same strict policy).
            if not named.get("src", "").startswith("/demo/static/") and named.get("src") != SHARED_UI:
                self.found.append(f"a script from elsewhere: {attrs}")
        if tag == "link" and not named.get("href", "").startswith("/demo/static/"):
            self.found.append(f"a link elsewhere: {attrs}")
        if tag in ("img", "iframe", "object", "embed", "form") and "://" in str(named):
            self.found.append(f"something from elsewhere: {tag} {attrs}")
        if tag == "a" and "://" in named.get("href", ""):
            self.found.append(f"a link to another site: {attrs}")

    def handle_endtag(self, tag):
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("an inline script")


def test_the_page_has_nothing_inline_and_nothing_from_elsewhere():
    page = Inline()
    page.feed(PAGE)
    assert page.found == []
    assert page.scripts == [SHARED_UI, "/demo/static/demo.js"]  # deferred: the helper first
    assert "http" not in STYLE and "@import" not in STYLE and "url(" not in STYLE


def test_the_script_sets_text_only_as_text():
    code = re.sub(r"//[^\n]*", "", SCRIPT)  # comments may name what the code must not do
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "setAttribute(\"on", ".style.", "http://", "https://"):
        assert sink not in code, sink
    assert "textContent" in code


def test_the_script_uses_the_real_chat_api_and_the_demo_token():
    assert 'const CHAT = "/api/v1/chat";' in SCRIPT
    for used in ('chat("POST", ""', 'chat("GET", "/history")', "${CHAT}/ws?token=",
                 "${DEMO_API}/token", "${DEMO_API}/borrowers"):
        assert used in SCRIPT, used
    assert f"const TOKEN_EXPIRED = {TOKEN_EXPIRED};" in SCRIPT  # the socket's close code: renew


def test_every_element_the_script_names_is_on_the_page():
    ids = set(re.findall(r'\bid="([^"]+)"', PAGE))
    named = set(re.findall(r'\$\("([^"]+)"\)', SCRIPT))
    assert {"borrowers", "transcript", "status", "error", "message", "connection"} <= named
    assert named - ids == set()
