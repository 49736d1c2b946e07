"""Runtime settings, read from the environment once per process (never at import time)."""
from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.auth import agent_tokens, borrower_tokens
from bot.trackers.age import DEFAULT as AGE_DEFAULT
from bot.trackers.age import parse_age

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
    # Several Rasa instances behind the gateway (RASA_URLS, comma-separated; none: `rasa_url`
    # alone), and Redis for what several gateway processes share (REDIS_URL; None: this process).
    rasa_urls: tuple[str, ...] = ()
    redis_url: str | None = None
    # GET /metrics: with a token, for its bearer only; None, for loopback clients only.
    metrics_token: str | None = None
    # The gateway's log lines (bot/logs.py): "json" or "text"; None: text on a terminal.
    log_format: str | None = None
    # Protection of the borrower chat (bot/gateway/rate_limit.py, bot/gateway/backlog.py):
    # per borrower, `chat_rate_burst` messages at once, then one every `chat_rate_interval`
    # seconds (0: no limit); at most `chat_max_in_flight` messages in flight in the gateway.
    chat_rate_burst: int = 5
    chat_rate_interval: float = 2.0
    chat_max_in_flight: int = 100
    # Outreach (bot/outreach/): a pass every `outreach_every` seconds in each gateway (0: none;
    # `python -m bot outreach run` runs one), pushed to the wallet at WALLET_PUSH_URL (None: in
    # the app only), each push signed with WALLET_PUSH_SECRET (HMAC-SHA256).
    outreach_every: float = 300.0
    wallet_push_url: str | None = None
    wallet_push_secret: str | None = None
    # Rasa's trackers (bot/trackers/): the supervisor prunes sessions that ended more than
    # `tracker_prune_older_than` ago every `tracker_prune_every` seconds (0: never).
    tracker_prune_every: float = 86400.0
    tracker_prune_older_than: timedelta = timedelta(days=30)

    @property
    def demo_on(self) -> bool:
        """Whether the gateway serves the demo chat, which signs borrower tokens for the demo
        borrowers on request: never by default where the wallet app's real secret is set."""
        return self.jwt_secret == DEV_JWT_SECRET if self.demo_chat is None else self.demo_chat

    @property
    def rasa_instances(self) -> tuple[str, ...]:
        """The Rasa instances' URLs: RASA_URLS, else RASA_URL alone."""
        return self.rasa_urls or (self.rasa_url,)

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
            rasa_urls=_urls(env, "RASA_URLS"),
            redis_url=env.get("REDIS_URL", "").strip() or None,
            metrics_token=env.get("METRICS_TOKEN") or None,
            log_format=env.get("LOG_FORMAT") or None,
            chat_rate_burst=_count(env, "CHAT_RATE_BURST", 5),
            chat_rate_interval=_interval(env, "CHAT_RATE_INTERVAL_SECONDS", 2.0),
            chat_max_in_flight=_count(env, "CHAT_MAX_IN_FLIGHT", 100),
            outreach_every=_interval(env, "OUTREACH_EVERY_SECONDS", 300.0),
            wallet_push_url=env.get("WALLET_PUSH_URL", "").strip() or None,
            wallet_push_secret=env.get("WALLET_PUSH_SECRET") or None,
            tracker_prune_every=_interval(env, "TRACKER_PRUNE_EVERY_SECONDS", 86400.0),
            tracker_prune_older_than=_age(env, "TRACKER_PRUNE_OLDER_THAN"),
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


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and int(raw) > 0):
        raise ValueError(f"{name} must be a whole number above 0, not {env[name]!r}")
    return int(raw)


def _interval(env: Mapping[str, str], name: str, default: float) -> float:
    """Seconds, whole or decimal (1.5), 0 or more: never negative, infinite or NaN."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    whole, dot, fraction = raw.partition(".")
    if not (raw.isascii() and whole.isdigit() and (fraction.isdigit() or not dot)) or len(raw) > 12:
        raise ValueError(f"{name} must be a number of seconds, 0 or more (e.g. 2 or 1.5), "
                         f"not {env[name]!r}")
    return float(raw)


def _age(env: Mapping[str, str], name: str) -> timedelta:
    try:
        return parse_age(env.get(name, "").strip() or AGE_DEFAULT)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def _urls(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of URLs, each once; () when unset or empty."""
    urls = [url.strip().rstrip("/") for url in env.get(name, "").split(",")]
    return tuple(dict.fromkeys(url for url in urls if url))


def _seconds(env: Mapping[str, str], name: str, default: timedelta) -> timedelta:
    raw = env.get(name)
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and int(raw) > 0):
        raise ValueError(f"{name} must be a whole number of seconds above 0, not {raw!r}")
    return timedelta(seconds=int(raw))
