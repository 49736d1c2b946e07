"""Gateway test fixtures: a real SQLite database (`sqlite_database` from tests/conftest.py)
with two borrowers, a fake Rasa on a loopback port, and gateways on real loopback servers."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.gateway.app import create_app
from tests.builders import load
from tests.gateway.support import BORROWERS, RASA_TOKEN, FakeRasa, closed_port, settings_for


@pytest.fixture
def borrowers(sqlite_database):
    load(sqlite_database, *BORROWERS)
    return sqlite_database


@pytest.fixture
async def fake_rasa(aiohttp_server, borrowers) -> FakeRasa:
    fake = FakeRasa(borrowers)
    fake.server = await aiohttp_server(fake.app())  # 127.0.0.1, a free port
    fake.url = str(fake.server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
def make_gateway(aiohttp_client, borrowers) -> Callable:
    """`await make_gateway(rasa_url, **create_app_options)`: a test client on a real server."""

    async def make(rasa_url: str, rasa_token: str = RASA_TOKEN, **options):
        settings = settings_for(borrowers.url, rasa_url, rasa_token)
        return await aiohttp_client(create_app(settings, borrowers, **options))

    return make


@pytest.fixture
async def gateway(make_gateway, fake_rasa):
    """The gateway in front of the fake Rasa."""
    return await make_gateway(fake_rasa.url)


@pytest.fixture
async def offline_gateway(make_gateway):
    """The gateway with Rasa unreachable: its URL is a closed loopback port."""
    return await make_gateway(f"http://127.0.0.1:{closed_port()}")
