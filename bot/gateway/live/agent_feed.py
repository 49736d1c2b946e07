"""The agents' live feed: what changes in the queue and in the chats people are handling.

One channel of the hub for every agent console; each borrower has one of their own.
Events (JSON):
  {"type": "handoff", "handoff": {…as GET /api/v1/agent/handoffs lists it…}}
  {"type": "message", "handoff_id", "conversation_id", "message": {"id", "from", "text", "at", "agent"}}
There is no replay: a console that (re)connects reloads the queue and its open transcript.
"""
from __future__ import annotations

from aiohttp import web

from bot.gateway.keys import HUB

AGENTS = "@agents"  # no borrower's channel ("@borrower:<id>") has this name


async def handoff_changed(app: web.Application, case: dict | None) -> None:
    if case is not None:
        await app[HUB].publish(AGENTS, {"type": "handoff", "handoff": case})


async def message_added(app: web.Application, case: dict | None, message: dict) -> None:
    if case is not None:
        await app[HUB].publish(AGENTS, {
            "type": "message", "handoff_id": case["id"],
            "conversation_id": case["conversation_id"], "message": message,
        })
