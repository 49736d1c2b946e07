"""The supervisors' KPI dashboard: one HTML page, its script and style sheet and the vendored
Chart.js (4.6.1, MIT: dashboard/chart.js-LICENSE.md), served by the gateway at
`/agent/dashboard` like the console (bot/gateway/pages.py). The page itself is public; every
figure it shows comes from the KPI API (bot/gateway/agent/kpis.py), which asks for the
supervisor's role."""
from __future__ import annotations

from pathlib import Path

from bot.gateway.pages import StaticPage

DASHBOARD_DIR = Path(__file__).with_name("dashboard")
DASHBOARD = StaticPage(DASHBOARD_DIR, ("dashboard.js", "dashboard.css", "chart.umd.js"))
page = DASHBOARD.page
static_file = DASHBOARD.static_file
