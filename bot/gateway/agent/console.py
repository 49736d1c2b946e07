"""The agent console (issue 5): one HTML page, one script and one style sheet, served by the
gateway at `/agent`, with everything it shows fetched from the agent API (CONTRACT §5).

No build step and nothing from another origin: the files under bot/gateway/agent/static/ are served
as they are. Every response carries a strict Content-Security-Policy (scripts and styles from
this origin only, none inline, no framing), so that a borrower's text that got past the
console's escaping (it builds every text with `textContent`) still could not run.
"""
from __future__ import annotations

import re
from pathlib import Path

from aiohttp import web

from bot.gateway.errors import ApiError

CONSOLE_DIR = Path(__file__).with_name("static")
PAGE = "index.html"
# The only files served under /agent/static/, with their types: nothing else can be asked for.
STATIC = {
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
}
# A Host header worth naming in connect-src (the console's WebSocket): a name or address and
# a port, nothing that could end the directive.
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


async def page(request: web.Request) -> web.Response:
    response = file_response(CONSOLE_DIR / PAGE, "text/html; charset=utf-8", request)
    response.headers["Cache-Control"] = "no-store"
    return response


async def static_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC:
        raise ApiError(404, "not found")
    response = file_response(CONSOLE_DIR / name, STATIC[name], request)
    response.headers["Cache-Control"] = "no-cache"  # revalidated: a new version shows at once
    return response


def content_security_policy(host: str | None) -> str:
    # 'self' covers ws:/wss: to this origin in CSP Level 3 browsers; the explicit host keeps
    # older ones working too.
    connect = ["'self'"]
    if host and _HOST.match(host):
        connect += [f"ws://{host}", f"wss://{host}"]
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        f"connect-src {' '.join(connect)}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def file_response(path: Path, content_type: str, request: web.Request) -> web.Response:
    """One of the gateway's own page files (the console's, the demo chat's) with the headers
    that keep it to this origin."""
    # Read on every request: a few kilobytes, and an edited file shows without a restart.
    body = path.read_bytes()
    response = web.Response(body=body, headers={"Content-Type": content_type})
    response.headers.update({
        "Content-Security-Policy": content_security_policy(request.host),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    })
    return response
