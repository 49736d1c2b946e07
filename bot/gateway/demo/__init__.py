"""The demo chat (issue 10): a borrower's view of the bot, for trying it out. A newcomer opens
`/demo`, picks one of the demo borrowers (bot/loans/demo.py) and chats as the wallet app would
show it, through the real borrower chat API (CONTRACT §4) with a short-lived token.

It is on only where `Settings.demo_on` says so: with the development wallet secret (which the
gateway refuses beyond loopback), or with DEMO_CHAT=1; DEMO_CHAT=0 turns it off everywhere.
When it is off its routes are never added (bot/gateway/routes.py), so every URL under `/demo`
is a 404 like any unknown URL. Its pages are served as the agent console's are: files as they
are, nothing from another origin, a strict Content-Security-Policy.
"""
from __future__ import annotations

PREFIX = "/demo"
