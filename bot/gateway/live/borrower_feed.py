"""The borrower's live feed: what the bot and agents say to a borrower, as it is said.

One hub channel per borrower, not per conversation: the borrower's WebSocket follows them
from a conversation an agent closed into the one their next message starts.
Events (CONTRACT §4):
  {"from": "bot", "text", "buttons": [{"title", "payload"}]}
  {"from": "agent", "text"}
"""
from __future__ import annotations

from aiohttp import web

from bot.gateway.keys import HUB
from bot.gateway.outbound import ChatMessage


def borrower_channel(borrower_id: str) -> str:
    return f"@borrower:{borrower_id}"  # apart from the agents' "@agents"


async def bot_said(app: web.Application, borrower_id: str, reply: ChatMessage) -> None:
    await app[HUB].publish(borrower_channel(borrower_id), {"from": "bot", **reply.as_json()})


async def agent_said(app: web.Application, borrower_id: str, text: str) -> None:
    await app[HUB].publish(borrower_channel(borrower_id), {"from": "agent", "text": text})
