"""`GET /api/v1/agent/arrangement-kinds`: the kinds of arrangement and their fields, from their
definitions, so that the console's form is built from them rather than knowing each kind."""
from __future__ import annotations

from aiohttp import web

from bot.arrangements.kinds import KINDS
from bot.gateway.agent.auth import authenticate_agent

INPUTS = {"whole": "number", "date": "date", "money": "decimal"}  # how the console asks for each


async def list_kinds(request: web.Request) -> web.Response:
    await authenticate_agent(request)
    return web.json_response([
        {"type": kind.name, "title": kind.title,
         "fields": [{"name": field.name, "label": field.label, "input": INPUTS[field.sort]}
                    for field in kind.fields]}
        for kind in KINDS
    ])
