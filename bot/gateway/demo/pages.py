"""The demo chat's page, script and style sheet (bot/gateway/demo/static/), served as the agent
console's are (bot/gateway/pages.py): this origin only, nothing inline."""
from __future__ import annotations

from pathlib import Path

from bot.gateway.pages import PAGE, StaticPage

STATIC_DIR = Path(__file__).with_name("static")
DEMO = StaticPage(STATIC_DIR, ("demo.js", "demo.css"))
page = DEMO.page
static_file = DEMO.static_file
__all__ = ["PAGE", "STATIC_DIR", "page", "static_file"]
