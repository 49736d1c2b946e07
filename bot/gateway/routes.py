"""Every URL the gateway answers, in one table: the borrower chat API (CONTRACT §4), the agent
API (§5) with its console, the supervisors' KPI dashboard and the trainers' review inbox (§10)
with its page, the wallet's payments (§7), the demo chat (added only while it is on:
bot/gateway/demo/), and the health check; and, for each agent endpoint, the permission its
caller's role must grant (bot/auth/roles.py), checked before the handler runs."""
from __future__ import annotations

from aiohttp import web

from bot.auth.roles import Permission
from bot.gateway import demo, health, metrics, outreach
from bot.gateway.agent import (
    borrowers,
    console,
    dashboard_page,
    handoffs,
    kinds,
    kpis,
    login,
    review,
    shared_files,
    training_page,
)
from bot.gateway.agent.auth import requiring
from bot.gateway.borrower import chat
from bot.gateway.demo import api as demo_api
from bot.gateway.demo import pages as demo_pages
from bot.gateway.keys import SETTINGS
from bot.gateway.wallet import payments

HANDOFF = "/api/v1/agent/handoffs/{id}"
REVIEW = "/api/v1/agent/review"
CASES = Permission.WORK_CASES

# (method, path, handler, the permission an agent needs: None where no agent token is asked for)
ROUTES = [
    # borrowers, with the wallet's token (checked by the handler)
    ("POST", "/api/v1/chat", chat.post_chat, None),
    ("GET", "/api/v1/chat/history", chat.get_history, None),
    ("GET", "/api/v1/chat/ws", chat.chat_socket, None),
    # agents, with an agent token from the login
    ("POST", "/api/v1/agent/login", login.login, None),
    ("GET", "/api/v1/agent/borrowers/{id}", borrowers.get_borrower, CASES),
    ("POST", "/api/v1/agent/borrowers/{id}/arrangements", borrowers.create_arrangement, CASES),
    ("GET", "/api/v1/agent/arrangement-kinds", kinds.list_kinds, CASES),
    ("GET", "/api/v1/agent/handoffs", handoffs.list_handoffs, CASES),
    ("GET", HANDOFF, handoffs.get_handoff, CASES),
    ("POST", HANDOFF + "/claim", handoffs.claim, CASES),
    ("POST", HANDOFF + "/messages", handoffs.post_message, CASES),
    ("POST", HANDOFF + "/release", handoffs.release, CASES),
    ("POST", HANDOFF + "/close", handoffs.close, CASES),
    ("GET", "/api/v1/agent/ws", handoffs.agent_socket, CASES),
    ("GET", "/api/v1/agent/kpis", kpis.get_kpis, Permission.KPIS),
    ("GET", "/api/v1/agent/kpis/variants", kpis.get_variants, Permission.KPIS),
    ("GET", REVIEW, review.list_items, Permission.REVIEW),
    ("POST", REVIEW, review.settle_many, Permission.REVIEW),
    ("GET", REVIEW + "/intents", review.list_intents, Permission.REVIEW),  # before {id}
    ("GET", REVIEW + "/{id}", review.get_item, Permission.REVIEW),
    ("POST", REVIEW + "/{id}", review.settle_one, Permission.REVIEW),
    # the wallet's ledger, with the service token (checked by the handler)
    ("POST", "/api/v1/wallet/payments", payments.post_payment, None),
    ("POST", "/api/v1/wallet/outreach/delivered", outreach.post_delivered, None),
    # the console page and its two static files
    ("GET", "/agent", console.page, None),
    ("GET", "/agent/", console.page, None),
    ("GET", "/agent/static/{name}", console.static_file, None),
    # the supervisors' KPI dashboard and its static files (the KPI API behind it checks the role)
    ("GET", "/agent/dashboard", dashboard_page.page, None),
    ("GET", "/agent/dashboard/", dashboard_page.page, None),
    ("GET", "/agent/dashboard/static/{name}", dashboard_page.static_file, None),
    # the trainers' review inbox page (the review API behind it checks the role)
    ("GET", "/agent/training", training_page.page, None),
    ("GET", "/agent/training/", training_page.page, None),
    ("GET", "/agent/training/static/{name}", training_page.static_file, None),
    # the script the agents' pages share
    ("GET", "/agent/shared/{name}", shared_files.static_file, None),
    # the demo chat (a borrower's view, with the chat API above): only while the demo is on
    ("GET", demo.PREFIX, demo_pages.page, None),
    ("GET", demo.PREFIX + "/", demo_pages.page, None),
    ("GET", demo.PREFIX + "/static/{name}", demo_pages.static_file, None),
    ("GET", demo.PREFIX + "/api/borrowers", demo_api.list_borrowers, None),
    ("POST", demo.PREFIX + "/api/token", demo_api.issue_token, None),
    # operations
    ("GET", "/healthz", health.healthz, None),
    ("GET", "/livez", health.livez, None),
    ("GET", "/readyz", health.readyz, None),
    ("GET", "/metrics", metrics.metrics_page, None),  # METRICS_TOKEN, or loopback only
]


def add_routes(app: web.Application) -> None:
    demo_on = app[SETTINGS].demo_on
    for method, path, handler, permission in ROUTES:
        if _is_demo(path) and not demo_on:  # off: its URLs are unknown, 404 like any other
            continue
        guarded = handler if permission is None else requiring(permission, handler)
        app.router.add_route(method, path, guarded)


def _is_demo(path: str) -> bool:
    return path == demo.PREFIX or path.startswith(demo.PREFIX + "/")
