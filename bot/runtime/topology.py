"""How many of each process the supervisor starts, from the environment.

- RASA_INSTANCES (default 1): Rasa servers on consecutive loopback ports from RASA_URL's
  (5005, 5006, …); the gateway gets them all in RASA_URLS and the first in RASA_URL.
- ACTION_WORKERS (default 1): Sanic worker processes of the one action server
  (rasa-sdk reads ACTION_SERVER_SANIC_WORKERS), all on ACTION_PORT.
- SANIC_WORKERS (default 1): worker processes of each Rasa server; Rasa itself ignores it
  (runs one) while the lock store is in memory.
- REDIS_URL: the Redis of Rasa's lock store, used whenever more than one Rasa process runs;
  unset then, the supervisor starts a loopback redis-server of its own.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

REDIS_SERVER = "/usr/bin/redis-server"  # Debian's redis-server package
MAX_INSTANCES = 16


@dataclass(frozen=True)
class Topology:
    rasa_instances: int = 1
    action_workers: int = 1
    rasa_workers: int = 1
    redis_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Topology:
        env = os.environ if env is None else env
        return cls(
            rasa_instances=_count(env, "RASA_INSTANCES"),
            action_workers=_count(env, "ACTION_WORKERS"),
            rasa_workers=_count(env, "SANIC_WORKERS"),
            redis_url=env.get("REDIS_URL", "").strip() or None,
        )

    @property
    def needs_lock_store(self) -> bool:
        """Several processes may handle one conversation: Rasa's lock store must be shared."""
        return max(self.rasa_instances, self.action_workers, self.rasa_workers) > 1

    @property
    def starts_redis(self) -> bool:
        return self.needs_lock_store and self.redis_url is None

    def rasa_urls(self, rasa_url: str) -> list[str]:
        """The instances' URLs: RASA_URL's host, its port and the next ones."""
        parts = urlsplit(rasa_url.rstrip("/"))
        port = parts.port or 5005
        return [f"{parts.scheme or 'http'}://{parts.hostname or '127.0.0.1'}:{port + i}"
                for i in range(self.rasa_instances)]

    def rasa_names(self) -> list[str]:
        if self.rasa_instances == 1:
            return ["rasa"]
        return [f"rasa-{i + 1}" for i in range(self.rasa_instances)]


def _count(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_INSTANCES):
        raise ValueError(f"{name} must be a whole number from 1 to {MAX_INSTANCES}, not {raw!r}")
    return int(raw)
