"""What the agents' pages share, served at `/agent/shared/` (bot/gateway/pages.py), so that
each page does not carry its own copy: ui.js, the DOM and label helpers (console, dashboard,
training, and the demo chat's page); session.js, signing in and out, the stored token and the
API's requests (dashboard, training); pages.css, their top bar, sign-in form and notices."""
from __future__ import annotations

from pathlib import Path

from bot.gateway.pages import StaticPage

SHARED_DIR = Path(__file__).with_name("shared")
SHARED = StaticPage(SHARED_DIR, ("ui.js", "session.js", "pages.css"))
static_file = SHARED.static_file
