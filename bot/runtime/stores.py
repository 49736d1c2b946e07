"""Where Rasa keeps its state, as endpoints.yml reads it from the environment.

- The tracker store: Rasa's SQLTrackerStore on the loan database itself (DATABASE_URL) unless
  TRACKER_STORE_URL names another; its one table is `events` (TRACKER_TABLE), beside the
  project's tables and ignored by the project's migrations (bot/db/migrate.py).
- The lock store: in memory for one Rasa process; Rasa's RedisLockStore (from REDIS_URL) when
  several Rasa processes (instances or Sanic workers) must not handle one conversation at once,
  as bot/rasa/lock_store.py changes it (a lost Redis never fails a message already handled).

endpoints.yml names every variable below, so each must be set (empty where unused): Rasa
refuses an endpoints file with a variable missing from its environment.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import ArgumentError

from bot.runtime.settings import PROJECT_ROOT

TRACKER_TABLE = "events"  # rasa.core.tracker_store.SQLTrackerStore.SQLEvent.__tablename__
LOCK_KEY_PREFIX = "rasa"  # endpoints.yml: Rasa's lock keys are "rasa:lock:<conversation>"
REDIS_LOCK_STORE = "bot.rasa.lock_store.RedisLockStore"  # LOCK_STORE_TYPE: Rasa loads the class
LOCK_VARIABLES = ("LOCK_STORE_TYPE", "LOCK_STORE_HOST", "LOCK_STORE_PORT", "LOCK_STORE_DB",
                  "LOCK_STORE_USERNAME", "LOCK_STORE_PASSWORD")


class StoreSettingsError(ValueError):
    """A URL Rasa's stores cannot use; the message says why."""


def tracker_store_url(database_url: str) -> str:
    """The SQLAlchemy URL Rasa's SQLTrackerStore connects to (endpoints.yml passes it as the
    store's `url`, which Rasa uses whole when it contains "://"): SQLite (a file) or PostgreSQL."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise StoreSettingsError("DATABASE_URL is not a database URL") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise StoreSettingsError("an in-memory SQLite database cannot be shared with Rasa: "
                                     "give DATABASE_URL a file")
    elif backend != "postgresql":
        raise StoreSettingsError(f"the tracker store needs SQLite or PostgreSQL, not {backend}")
    return url.render_as_string(hide_password=False)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (relative paths from the project root, where every child runs)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database)
    return path if path.is_absolute() else PROJECT_ROOT / path


def lock_store_environment(redis_url: str | None) -> dict[str, str]:
    """endpoints.yml's lock store: Redis at `redis_url`, or in memory when it is None."""
    if not redis_url:
        return dict.fromkeys(LOCK_VARIABLES, "") | {"LOCK_STORE_TYPE": "in_memory"}
    parts = urlsplit(redis_url)
    if parts.scheme != "redis":
        # Rasa's use_ssl is a boolean that an environment variable (a string) cannot carry.
        raise StoreSettingsError(f"REDIS_URL must be redis://host:port/db, not {parts.scheme}://")
    try:
        port = parts.port or 6379
        database = int(parts.path.strip("/") or 0)
    except ValueError:
        raise StoreSettingsError("REDIS_URL has a port or database number that is not a number") from None
    return {
        "LOCK_STORE_TYPE": REDIS_LOCK_STORE,
        "LOCK_STORE_HOST": parts.hostname or "127.0.0.1",
        "LOCK_STORE_PORT": str(port),
        "LOCK_STORE_DB": str(database),
        "LOCK_STORE_USERNAME": unquote(parts.username or ""),
        "LOCK_STORE_PASSWORD": unquote(parts.password or ""),
    }


def rasa_store_environment(database_url: str, redis_url: str | None = None,
                           env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables endpoints.yml's tracker_store and lock_store read. TRACKER_STORE_URL,
    when set in `env`, keeps the trackers in another database."""
    explicit = (env or {}).get("TRACKER_STORE_URL", "").strip()
    return {"TRACKER_STORE_URL": tracker_store_url(explicit or database_url),
            **lock_store_environment(redis_url)}


def prepare_tracker_database(url: str) -> None:
    """Rasa waits forever (retrying every 5 s) for a SQLite file it cannot create: make its
    directory first."""
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
