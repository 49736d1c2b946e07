"""`create_app` refuses to build a gateway that would fail mid-chat."""
from __future__ import annotations

import pytest

from bot.gateway import app as gateway_app
from bot.replies.render import MissingResponse
from bot.replies.reply import Reply
from tests.gateway.support import closed_port, settings_for


def test_a_response_the_gateway_says_missing_from_domain_yml_stops_it(monkeypatch, sqlite_database):
    monkeypatch.setattr(gateway_app, "GATEWAY_REPLIES", (*gateway_app.GATEWAY_REPLIES, Reply("utter_gone")))
    settings = settings_for(sqlite_database.url, f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(MissingResponse, match="utter_gone"):
        gateway_app.create_app(settings, sqlite_database)
