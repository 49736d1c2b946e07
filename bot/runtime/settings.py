"""Runtime settings, read from the environment once per process (never at import time)."""
from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.auth import agent_tokens, borrower_tokens

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'collections.sqlite3'}"
# Only for trying things out on loopback; beyond it the gateway refuses to start with these.
DEV_JWT_SECRET = "dev-only-wallet-secret-change-me"  # noqa: S105 - a loopback-only default
# Likewise AGENT_JWT_SECRET: agent tokens must never be signed with the wallet's secret.
DEV_AGENT_JWT_SECRET = "dev-only-agent-jwt-secret-change-me"  # noqa: S105 - likewise
DEV_RASA_TOKEN = "dev-only-rasa-token"  # noqa: S105 - likewise
# The wallet's ledger reports payments with this (CONTRACT §7): it is no token of a person.
DEV_WALLET_SERVICE_TOKEN = "dev-only-wallet-service-token"  # noqa: S105 - likewise


class UnsafeSettings(Exception):
    """The settings would expose development secrets beyond loopback; the message says which."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    jwt_secret: str
    gateway_host: str
    gateway_port: int
    rasa_url: str
    rasa_token: str
    action_port: int
    default_timezone: str
    agent_jwt_secret: str = DEV_AGENT_JWT_SECRET
    wallet_service_token: str = DEV_WALLET_SERVICE_TOKEN
    # The longest a token the gateway accepts may be valid for, however it is signed.
    wallet_token_max_lifetime: timedelta = borrower_tokens.MAX_LIFETIME
    agent_token_max_lifetime: timedelta = agent_tokens.MAX_LIFETIME
    # The demo chat page (/demo, bot/gateway/demo/): DEMO_CHAT=1 on, DEMO_CHAT=0 off; unset
    # (None), on exactly when the wallet secret is the development one (see `demo_on`).
    demo_chat: bool | None = None

    @property
    def demo_on(self) -> bool:
        """Whether the gateway serves the demo chat, which signs borrower tokens for the demo
        borrowers on request: never by default where the wallet app's real secret is set."""
        return self.jwt_secret == DEV_JWT_SECRET if self.demo_chat is None else self.demo_chat

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            jwt_secret=env.get("WALLET_JWT_SECRET") or DEV_JWT_SECRET,
            gateway_host=env.get("GATEWAY_HOST", "127.0.0.1"),
            gateway_port=int(env.get("GATEWAY_PORT", "8080")),
            rasa_url=env.get("RASA_URL", "http://127.0.0.1:5005"),
            rasa_token=env.get("RASA_TOKEN") or DEV_RASA_TOKEN,
            action_port=int(env.get("ACTION_PORT", "5055")),
            default_timezone=env.get("BOT_DEFAULT_TIMEZONE", "Asia/Shanghai"),
            agent_jwt_secret=env.get("AGENT_JWT_SECRET") or DEV_AGENT_JWT_SECRET,
            wallet_service_token=env.get("WALLET_SERVICE_TOKEN") or DEV_WALLET_SERVICE_TOKEN,
            wallet_token_max_lifetime=_seconds(env, "WALLET_TOKEN_MAX_SECONDS", borrower_tokens.MAX_LIFETIME),
            agent_token_max_lifetime=_seconds(env, "AGENT_TOKEN_MAX_SECONDS", agent_tokens.MAX_LIFETIME),
            demo_chat=_switch(env, "DEMO_CHAT"),
        )

    def check_safe_to_serve(self) -> None:
        """Raises UnsafeSettings, naming the variables, when the gateway would listen beyond
        loopback with a development secret (unset, or set to the published value)."""
        if is_loopback(self.gateway_host):
            return
        unset = [name for name, value, dev in (
            ("WALLET_JWT_SECRET", self.jwt_secret, DEV_JWT_SECRET),
            ("AGENT_JWT_SECRET", self.agent_jwt_secret, DEV_AGENT_JWT_SECRET),
            ("RASA_TOKEN", self.rasa_token, DEV_RASA_TOKEN),
            ("WALLET_SERVICE_TOKEN", self.wallet_service_token, DEV_WALLET_SERVICE_TOKEN),
        ) if value == dev]
        if unset:
            raise UnsafeSettings(
                f"GATEWAY_HOST={self.gateway_host!r} is not a loopback address, so development "
                f"secrets are refused: set {', '.join(unset)}")


def is_loopback(host: str) -> bool:
    """True for a loopback address or the name localhost; anything else (0.0.0.0, '' = every
    interface, another name) may be reachable from elsewhere."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _switch(env: Mapping[str, str], name: str) -> bool | None:
    """1/true/yes/on or 0/false/no/off; None when unset or empty (the default applies)."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in _ON or raw in _OFF:
        return raw in _ON
    raise ValueError(f"{name} must be 1 (on) or 0 (off), not {env[name]!r}")


_ON, _OFF = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _seconds(env: Mapping[str, str], name: str, default: timedelta) -> timedelta:
    raw = env.get(name)
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and int(raw) > 0):
        raise ValueError(f"{name} must be a whole number of seconds above 0, not {raw!r}")
    return timedelta(seconds=int(raw))
