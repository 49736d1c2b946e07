"""What the agents' pages (console, dashboard, training) share: one script of DOM and label
helpers, served at `/agent/shared/` (bot/gateway/pages.py), so that each page does not carry
its own copy."""
from __future__ import annotations

from pathlib import Path

from bot.gateway.pages import StaticPage

SHARED_DIR = Path(__file__).with_name("shared")
SHARED = StaticPage(SHARED_DIR, ("ui.js",))
static_file = SHARED.static_file
