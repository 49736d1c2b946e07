"""Every URL the gateway answers, in one table: the borrower chat API (CONTRACT §4), the agent
API (§5) with its console, and the health check."""
from __future__ import annotations

from aiohttp import web

from bot.gateway import health
from bot.gateway.agent import borrowers, console, handoffs, login
from bot.gateway.borrower import chat

HANDOFF = "/api/v1/agent/handoffs/{id}"

ROUTES = [
    # borrowers, with the wallet's token
    ("POST", "/api/v1/chat", chat.post_chat),
    ("GET", "/api/v1/chat/history", chat.get_history),
    ("GET", "/api/v1/chat/ws", chat.chat_socket),
    # agents, with an agent token from the login
    ("POST", "/api/v1/agent/login", login.login),
    ("GET", "/api/v1/agent/borrowers/{id}", borrowers.get_borrower),
    ("POST", "/api/v1/agent/borrowers/{id}/arrangements", borrowers.create_arrangement),
    ("GET", "/api/v1/agent/handoffs", handoffs.list_handoffs),
    ("GET", HANDOFF, handoffs.get_handoff),
    ("POST", HANDOFF + "/claim", handoffs.claim),
    ("POST", HANDOFF + "/messages", handoffs.post_message),
    ("POST", HANDOFF + "/release", handoffs.release),
    ("POST", HANDOFF + "/close", handoffs.close),
    ("GET", "/api/v1/agent/ws", handoffs.agent_socket),
    # the console page and its two static files
    ("GET", "/agent", console.page),
    ("GET", "/agent/", console.page),
    ("GET", "/agent/static/{name}", console.static_file),
    # operations
    ("GET", "/healthz", health.healthz),
]


def add_routes(app: web.Application) -> None:
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, handler)
