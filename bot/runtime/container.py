"""The processes of the container image (Dockerfile, compose.yml), one a container:
`python -m bot.runtime.container ROLE` with ROLE one of

- `gateway`: `python -m bot gateway` (it upgrades the schema itself at start);
- `rasa`: `rasa run` on 0.0.0.0:5005 with the model built into the image, its API behind
  RASA_TOKEN, the SQL tracker store from DATABASE_URL (or TRACKER_STORE_URL) and Redis's lock
  store from REDIS_URL, as bot/runtime/stores.py derives them for `make run`;
- `actions`: the action server on 0.0.0.0:ACTION_PORT, ACTION_WORKERS Sanic workers;
- `migrate` / `demo`: the schema, and the demo borrowers too, then exit;
- `endpoints` (at image build): endpoints.yml for containers, on stdout — the same file with
  the action server at ACTION_ENDPOINT_URL (`http://actions:5055/webhook`) instead of loopback.

Each role replaces this process (exec): the container's signals reach the server itself.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.rasa.server import command as rasa_server_command
from bot.runtime.settings import DEV_RASA_TOKEN, PROJECT_ROOT, Settings
from bot.runtime.stores import rasa_store_environment

MODEL = PROJECT_ROOT / "models" / "current.tar.gz"  # trained at image build (`make model`)
CONTAINER_ENDPOINTS = "endpoints.container.yml"
RASA_PORT = 5005
LOOPBACK_ACTIONS = "http://127.0.0.1:${ACTION_PORT}/webhook"
ACTIONS_URL = "${ACTION_ENDPOINT_URL}"
ROLES = ("gateway", "rasa", "actions", "migrate", "demo", "endpoints")


class ContainerError(Exception):
    """The container cannot start as configured; the message says what to set."""


def container_endpoints(text: str) -> str:
    """endpoints.yml with the action server reached by name (ACTION_ENDPOINT_URL), not on
    loopback; everything else (the tracker and lock stores) as it is."""
    if text.count(LOOPBACK_ACTIONS) != 1:
        raise ContainerError(f"endpoints.yml no longer has exactly one {LOOPBACK_ACTIONS}: "
                             "update bot/runtime/container.py")
    return text.replace(LOOPBACK_ACTIONS, ACTIONS_URL)


def command(role: str, env: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
    """The program to exec for `role`, and its environment."""
    python, bin_dir = sys.executable, Path(sys.executable).parent
    child = dict(env)
    if role == "gateway":
        return [python, "-m", "bot", "gateway"], child
    if role == "rasa":
        return _rasa(child)
    if role == "actions":
        child.update(SANIC_HOST="0.0.0.0",  # noqa: S104 - the container's own network
                     ACTION_SERVER_SANIC_WORKERS=env.get("ACTION_WORKERS") or "1")
        port = env.get("ACTION_PORT") or "5055"
        return [str(bin_dir / "rasa"), "run", "actions", "--actions", "actions", "--port", port], child
    if role == "migrate":
        return [python, "-m", "bot", "db", "upgrade"], child
    if role == "demo":
        return ["/bin/sh", "-c", f'"{python}" -m bot db upgrade && exec "{python}" -m bot db demo'], child
    raise ContainerError(f"unknown role {role!r}: one of {', '.join(ROLES)}")


def _rasa(env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    token = env.get("RASA_TOKEN", "")
    if not token or token == DEV_RASA_TOKEN:
        raise ContainerError("set RASA_TOKEN: Rasa's API listens beyond loopback in a container")
    if not env.get("ACTION_ENDPOINT_URL"):
        raise ContainerError("set ACTION_ENDPOINT_URL (e.g. http://actions:5055/webhook)")
    if not MODEL.exists():
        raise ContainerError(f"no model at {MODEL}: the image trains it (`make model`), or mount one")
    settings = Settings.from_env(env)
    env.update(rasa_store_environment(settings.database_url, env.get("REDIS_URL") or None, env))
    return rasa_server_command([
        "run", "--model", str(MODEL), "--enable-api",
        f"--auth-token={token}", "--interface", "0.0.0.0",  # noqa: S104 - likewise
        "--port", str(RASA_PORT), "--credentials", "credentials.yml",
        "--endpoints", CONTAINER_ENDPOINTS]), env


def main(argv: Sequence[str]) -> int:
    role = argv[0] if argv else "gateway"
    try:
        if role == "endpoints":
            sys.stdout.write(container_endpoints((PROJECT_ROOT / "endpoints.yml").read_text()))
            return 0
        program, env = command(role, os.environ)
    except (ContainerError, ValueError) as error:  # ValueError: a setting's (StoreSettingsError)
        print(f"cannot start {role}: {error}", file=sys.stderr)
        return 2
    os.chdir(PROJECT_ROOT)
    os.execve(program[0], program, env)  # noqa: S606 - the role's server, no shell


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
