"""The gateway's own web pages (the agent console, the demo chat): one HTML page and a fixed
set of static files per page, served as they are from its directory.

No build step and nothing from another origin. Every response carries a strict
Content-Security-Policy (scripts and styles from this origin only, none inline, no framing), so
that a borrower's text that got past a page's escaping (each builds every text with
`textContent`) still could not run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from bot.gateway.errors import ApiError

PAGE = "index.html"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# A Host header worth naming in connect-src (a page's WebSocket): a name or address and a
# port, nothing that could end the directive.
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


@dataclass(frozen=True)
class StaticPage:
    directory: Path
    static: tuple[str, ...]  # the only files served beside the page: nothing else can be asked for

    async def page(self, request: web.Request) -> web.Response:
        response = file_response(self.directory / PAGE, "text/html; charset=utf-8", request)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def static_file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.static:
            raise ApiError(404, "not found")
        response = file_response(self.directory / name, TYPES[Path(name).suffix], request)
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
    """One of a page's files with the headers that keep it to this origin."""
    # Read on every request: a few kilobytes, and an edited file shows without a restart.
    response = web.Response(body=path.read_bytes(), headers={"Content-Type": content_type})
    response.headers.update({
        "Content-Security-Policy": content_security_policy(request.host),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    })
    return response
