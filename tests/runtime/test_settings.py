"""Settings: development secrets only on loopback, and the token lifetimes the gateway accepts."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.runtime.settings import (
    DEV_AGENT_JWT_SECRET,
    DEV_JWT_SECRET,
    DEV_RASA_TOKEN,
    DEV_WALLET_SERVICE_TOKEN,
    Settings,
    UnsafeSettings,
    is_loopback,
)

SECRETS = {"WALLET_JWT_SECRET": "w" * 40, "AGENT_JWT_SECRET": "a" * 40, "RASA_TOKEN": "r" * 40,
           "WALLET_SERVICE_TOKEN": "s" * 40}


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "::1", "[::1]", "localhost", "LOCALHOST.",
                                  "app.localhost"])
def test_loopback_keeps_the_development_defaults(host):
    assert is_loopback(host)
    settings = Settings.from_env({"GATEWAY_HOST": host})
    assert (settings.jwt_secret, settings.agent_jwt_secret, settings.rasa_token,
            settings.wallet_service_token) == (
        DEV_JWT_SECRET, DEV_AGENT_JWT_SECRET, DEV_RASA_TOKEN, DEV_WALLET_SERVICE_TOKEN)
    settings.check_safe_to_serve()
    Settings.from_env({}).check_safe_to_serve()  # the default host is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "", "::", "10.0.0.5", "192.168.1.2", "gateway.internal",
                                  "localhost.example.com"])
def test_beyond_loopback_every_development_secret_is_named(host):
    assert not is_loopback(host)
    with pytest.raises(UnsafeSettings) as refused:
        Settings.from_env({"GATEWAY_HOST": host}).check_safe_to_serve()
    assert str(refused.value).endswith(
        "set WALLET_JWT_SECRET, AGENT_JWT_SECRET, RASA_TOKEN, WALLET_SERVICE_TOKEN")
    Settings.from_env({"GATEWAY_HOST": host, **SECRETS}).check_safe_to_serve()


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_one_missing_or_published_secret_is_enough_to_refuse(name):
    for value in ("", {"WALLET_JWT_SECRET": DEV_JWT_SECRET, "AGENT_JWT_SECRET": DEV_AGENT_JWT_SECRET,
                       "RASA_TOKEN": DEV_RASA_TOKEN, "WALLET_SERVICE_TOKEN": DEV_WALLET_SERVICE_TOKEN}[name]):
        env = {"GATEWAY_HOST": "0.0.0.0", **SECRETS, name: value}
        with pytest.raises(UnsafeSettings, match=f"set {name}$"):
            Settings.from_env(env).check_safe_to_serve()


def test_token_lifetimes_default_to_a_day_and_a_shift_and_can_be_set():
    settings = Settings.from_env({})
    assert (settings.wallet_token_max_lifetime, settings.agent_token_max_lifetime) == (
        timedelta(days=1), timedelta(hours=8))
    settings = Settings.from_env({"WALLET_TOKEN_MAX_SECONDS": "600", "AGENT_TOKEN_MAX_SECONDS": "3600"})
    assert (settings.wallet_token_max_lifetime, settings.agent_token_max_lifetime) == (
        timedelta(minutes=10), timedelta(hours=1))


@pytest.mark.parametrize("value", ["0", "-5", "1.5", "a day", "٣"])
def test_a_lifetime_that_is_not_a_positive_whole_number_is_refused(value):
    with pytest.raises(ValueError, match="WALLET_TOKEN_MAX_SECONDS"):
        Settings.from_env({"WALLET_TOKEN_MAX_SECONDS": value})


@pytest.mark.parametrize("env, on", [
    ({}, True),  # the development wallet secret: the demo chat is on
    ({"WALLET_JWT_SECRET": DEV_JWT_SECRET}, True),  # the published value is no secret either
    ({"WALLET_JWT_SECRET": "w" * 40}, False),  # a real secret: off unless asked for
    ({"WALLET_JWT_SECRET": "w" * 40, "DEMO_CHAT": "1"}, True),
    ({"WALLET_JWT_SECRET": "w" * 40, "DEMO_CHAT": " On "}, True),
    ({"WALLET_JWT_SECRET": "w" * 40, "DEMO_CHAT": ""}, False),
    ({"DEMO_CHAT": "0"}, False),  # off even in development
    ({"DEMO_CHAT": "false"}, False),
])
def test_the_demo_chat_follows_the_wallet_secret_unless_switched(env, on):
    assert Settings.from_env(env).demo_on is on


@pytest.mark.parametrize("value", ["2", "y", "enable", "-1"])
def test_a_demo_switch_that_is_neither_on_nor_off_is_refused(value):
    with pytest.raises(ValueError, match=r"DEMO_CHAT must be 1 \(on\) or 0 \(off\)"):
        Settings.from_env({"DEMO_CHAT": value})
