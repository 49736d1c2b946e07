"""Typed keys of what the application shares, for any route module of the gateway.

E.g. the agent API reads the policy with `request.app[POLICY]`, and says the closing words
with `request.app[RESPONSES].render(CLOSING, language)`.
"""
from __future__ import annotations

import weakref

from aiohttp import web

from bot.arrangements.policy import PolicyBook
from bot.db import Database
from bot.gateway.agent.login_throttle import LoginThrottle
from bot.gateway.agent.password_pool import PasswordPool
from bot.gateway.conversations import Conversations
from bot.gateway.live.hub import Hub
from bot.gateway.locks import KeyedLocks
from bot.gateway.rasa_client import RasaClient
from bot.replies.render import Responses
from bot.runtime.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
POLICY = web.AppKey("policy", PolicyBook)  # what agents may agree (policy.yml)
DATABASE = web.AppKey("database", Database)
CONVERSATIONS = web.AppKey("conversations", Conversations)
HUB = web.AppKey("hub", Hub)
RASA = web.AppKey("rasa", RasaClient)
LOCKS = web.AppKey("locks", KeyedLocks)
LOGIN_THROTTLE = web.AppKey("login_throttle", LoginThrottle)
PASSWORDS = web.AppKey("passwords", PasswordPool)  # bcrypt, apart from the database's executor
SOCKETS = web.AppKey("sockets", weakref.WeakSet)  # open WebSockets, closed on shutdown
RESPONSES = web.AppKey("responses", Responses)  # domain.yml's, for what the gateway says itself
