"""Typed keys of what the application shares, for any route module of the gateway.

E.g. the agent API reads the policy with `request.app[POLICY]`, and says the closing words
with `request.app[RESPONSES].render(CLOSING, language)`.
"""
from __future__ import annotations

import weakref

from aiohttp import web

from bot.arrangements.policy import PolicyBook
from bot.db import Database
from bot.gateway.agent.login_throttle import Throttle
from bot.gateway.agent.password_pool import PasswordPool
from bot.gateway.backlog import Backlog
from bot.gateway.conversations import Conversations
from bot.gateway.live.hub import Hub
from bot.gateway.locks import Locks
from bot.gateway.rasa_client import RasaClient
from bot.gateway.rate_limit import RateLimiter
from bot.outreach.strategy import Strategy
from bot.replies.render import Responses
from bot.runtime.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
POLICY = web.AppKey("policy", PolicyBook)  # what agents may agree (policy.yml)
STRATEGY = web.AppKey("strategy", Strategy)  # outreach (outreach.yml)
DATABASE = web.AppKey("database", Database)
CONVERSATIONS = web.AppKey("conversations", Conversations)
HUB = web.AppKey("hub", Hub)
RASA = web.AppKey("rasa", RasaClient)
LOCKS = web.AppKey("locks", Locks)  # in-process, or in Redis (bot/gateway/shared_state.py)
LOGIN_THROTTLE = web.AppKey("login_throttle", Throttle)
PASSWORDS = web.AppKey("passwords", PasswordPool)  # bcrypt, apart from the database's executor
SOCKETS = web.AppKey("sockets", weakref.WeakSet)  # open WebSockets, closed on shutdown
RESPONSES = web.AppKey("responses", Responses)  # domain.yml's, for what the gateway says itself
CHAT_RATE = web.AppKey("chat_rate", RateLimiter)  # per borrower, on POST /api/v1/chat
BACKLOG = web.AppKey("backlog", Backlog)  # borrower messages in flight: .depth, .limit
