"""The console's files as the gateway serves them: the page, its one script and one style sheet,
with the headers that keep a borrower's text from ever running as code. No browser, no Rasa."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.gateway.agent import console
from bot.gateway.app import create_app
from bot.gateway.live.socket import TOKEN_EXPIRED
from bot.gateway.pages import content_security_policy
from bot.runtime.settings import Settings


@pytest.fixture
async def gateway(aiohttp_client, sqlite_database):
    settings = Settings.from_env({
        "DATABASE_URL": sqlite_database.url, "RASA_URL": "http://127.0.0.1:9",
    })
    return await aiohttp_client(create_app(settings, sqlite_database))


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


async def test_the_page_is_served_with_a_strict_policy(gateway):
    answer = await gateway.get("/agent")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    policy = directives(answer.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    host = answer.url.host + ":" + str(answer.url.port)
    assert policy["connect-src"] == ["'self'", f"ws://{host}", f"wss://{host}"]
    assert "unsafe" not in answer.headers["Content-Security-Policy"]
    assert "<title>Agent console</title>" in await answer.text()
    assert (await gateway.get("/agent/")).status == 200


@pytest.mark.parametrize("name, content_type", [
    ("console.js", "text/javascript; charset=utf-8"), ("console.css", "text/css; charset=utf-8"),
])
async def test_the_script_and_style_sheet(gateway, name, content_type):
    answer = await gateway.get(f"/agent/static/{name}")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in answer.headers
    assert await answer.read() == (console.CONSOLE_DIR / name).read_bytes()


@pytest.mark.parametrize("path", [
    "/agent/static/index.html", "/agent/static/..%2Fconsole.py", "/agent/static/%2e%2e%2fapp.py",
    "/agent/static/", "/agent/static/console.js.map",
])
async def test_nothing_else_is_served(gateway, path):
    answer = await gateway.get(path)
    assert answer.status == 404
    assert (await answer.json())["error"]


def test_a_host_header_cannot_add_to_the_policy():
    assert directives(content_security_policy("evil; script-src *"))["connect-src"] == ["'self'"]
    assert directives(content_security_policy(None))["connect-src"] == ["'self'"]
    assert "ws://[::1]:8080" in content_security_policy("[::1]:8080")


class Inline(HTMLParser):
    """Whatever the policy would block in the page: inline script, style or handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "style" or "style" in names or any(name.startswith("on") for name in names):
            self.found.append(f"<{tag} {sorted(names)}>")
        if tag == "script":
            self._in_script = True
            if dict(attrs).get("src", "").startswith(("http:", "https:", "//")):
                self.found.append("a script from elsewhere")
        if tag == "link" and not dict(attrs).get("href", "").startswith("/agent/static/"):
            self.found.append(f"a link elsewhere: {attrs}")

    def handle_endtag(self, tag):
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("an inline script")


def test_the_page_has_nothing_inline_and_the_script_never_parses_html():
    page = Inline()
    page.feed((console.CONSOLE_DIR / "index.html").read_text(encoding="utf-8"))
    assert page.found == []
    script = (console.CONSOLE_DIR / "console.js").read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*", "", script)  # comments may name what the code must not do
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "setAttribute(\"on", ".style."):
        assert sink not in code, sink


def test_every_element_the_script_names_is_on_the_page():
    # The sign-in, the top bar with the role, the no-access notice for a role without cases, …
    page = (console.CONSOLE_DIR / "index.html").read_text(encoding="utf-8")
    script = (console.CONSOLE_DIR / "console.js").read_text(encoding="utf-8")
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    named = set(re.findall(r'\$\("([^"]+)"\)', script))
    assert {"whoami", "whorole", "no-access-view", "no-access-text"} <= named
    assert named - ids == set()


def test_the_script_knows_the_close_code_of_an_expired_token():
    # The live feed closes with it when the token expires: the console then signs out.
    script = (console.CONSOLE_DIR / "console.js").read_text(encoding="utf-8")
    assert f"const TOKEN_EXPIRED = {TOKEN_EXPIRED};" in script
