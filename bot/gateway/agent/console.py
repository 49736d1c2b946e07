"""The agent console (issue 5): one HTML page, one script and one style sheet, served by the
gateway at `/agent` (bot/gateway/pages.py), with everything it shows fetched from the agent API
(CONTRACT §5)."""
from __future__ import annotations

from pathlib import Path

from bot.gateway.pages import StaticPage

CONSOLE_DIR = Path(__file__).with_name("static")
CONSOLE = StaticPage(CONSOLE_DIR, ("console.js", "console.css"))
page = CONSOLE.page
static_file = CONSOLE.static_file
