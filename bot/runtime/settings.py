"""Runtime settings, read from the environment once per process (never at import time)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'collections.sqlite3'}"
# Only for trying things out locally; production sets WALLET_JWT_SECRET.
DEV_JWT_SECRET = "dev-only-wallet-secret-change-me"
# Likewise AGENT_JWT_SECRET: agent tokens must never be signed with the wallet's secret.
DEV_AGENT_JWT_SECRET = "dev-only-agent-jwt-secret-change-me"


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

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            jwt_secret=env.get("WALLET_JWT_SECRET") or DEV_JWT_SECRET,
            gateway_host=env.get("GATEWAY_HOST", "127.0.0.1"),
            gateway_port=int(env.get("GATEWAY_PORT", "8080")),
            rasa_url=env.get("RASA_URL", "http://127.0.0.1:5005"),
            rasa_token=env.get("RASA_TOKEN") or "dev-only-rasa-token",
            action_port=int(env.get("ACTION_PORT", "5055")),
            default_timezone=env.get("BOT_DEFAULT_TIMEZONE", "Asia/Shanghai"),
            agent_jwt_secret=env.get("AGENT_JWT_SECRET") or DEV_AGENT_JWT_SECRET,
        )
