"""The demo chat's page, script and style sheet (bot/gateway/demo/static/), served with the
agent console's headers (bot/gateway/agent/console.py): this origin only, nothing inline."""
from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.gateway.agent.console import file_response
from bot.gateway.errors import ApiError

STATIC_DIR = Path(__file__).with_name("static")
PAGE = "index.html"
# The only files served under /demo/static/, with their types.
STATIC = {
    "demo.js": "text/javascript; charset=utf-8",
    "demo.css": "text/css; charset=utf-8",
}


async def page(request: web.Request) -> web.Response:
    response = file_response(STATIC_DIR / PAGE, "text/html; charset=utf-8", request)
    response.headers["Cache-Control"] = "no-store"
    return response


async def static_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC:
        raise ApiError(404, "not found")
    response = file_response(STATIC_DIR / name, STATIC[name], request)
    response.headers["Cache-Control"] = "no-cache"
    return response
