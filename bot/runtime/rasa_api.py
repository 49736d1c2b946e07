"""Where a running bot's Rasa API is, for the commands that talk to it (`python -m bot model
promote`). `make run` generates Rasa's token per run unless RASA_TOKEN is set, so no other
process could know it: while it runs, the supervisor writes its Rasa servers' URLs, that token,
its Sanic workers and the model it was started with to var/run/rasa-api-<pid>.json, readable
by its own user only (who could read the token from the process's environment anyway), and
removes it when it stops. A file whose supervisor is gone is passed over."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from bot.runtime.settings import PROJECT_ROOT, Settings

RUN_DIR = PROJECT_ROOT / "var" / "run"


@dataclass(frozen=True)
class RasaApi:
    urls: tuple[str, ...]
    token: str
    model: str = ""  # the model path the servers were started with, absolute; "" unknown
    workers: int = 1  # Sanic worker processes per server (PUT /model reaches one of them)


def published_path(pid: int, run_dir: Path = RUN_DIR) -> Path:
    return run_dir / f"rasa-api-{pid}.json"


def publish(api: RasaApi, run_dir: Path = RUN_DIR, pid: int | None = None) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = published_path(pid or os.getpid(), run_dir)
    document = {"urls": list(api.urls), "token": api.token, "model": api.model, "workers": api.workers}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(document, file)
    return path


def withdraw(run_dir: Path = RUN_DIR, pid: int | None = None) -> None:
    published_path(pid or os.getpid(), run_dir).unlink(missing_ok=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def running(run_dir: Path = RUN_DIR) -> list[RasaApi]:
    """What the running supervisors published, oldest pid first."""
    found = []
    for path in sorted(run_dir.glob("rasa-api-*.json")) if run_dir.is_dir() else []:
        pid = path.stem.removeprefix("rasa-api-")
        if not (pid.isdigit() and alive(int(pid))):
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            found.append(RasaApi(tuple(document["urls"]), document["token"], document.get("model", ""),
                                 int(document.get("workers", 1))))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # being written, or not ours: nothing to reach there
    return found


def serving(model_link: Path, run_dir: Path = RUN_DIR) -> list[RasaApi]:
    """The running supervisors started with this model link (the registry's current.tar.gz)."""
    wanted = os.path.abspath(model_link)
    return [api for api in running(run_dir) if api.model == wanted]


def configured(settings: Settings) -> RasaApi:
    """The Rasa servers of the settings (RASA_URLS, else RASA_URL; RASA_TOKEN), as the gateway
    reaches them."""
    return RasaApi(settings.rasa_instances, settings.rasa_token)
