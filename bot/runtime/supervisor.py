"""`make run`: the Rasa server, the action server and the gateway, as one foreground process.

Rasa and the action server listen on loopback only; Rasa's API needs its token, which is
generated per run unless RASA_TOKEN is set. If any process exits, the others are stopped.
"""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType

from bot.arrangements.policy import PolicyError, load_policy
from bot.runtime.settings import PROJECT_ROOT, Settings, UnsafeSettings


def commands(settings: Settings, model: Path) -> dict[str, list[str]]:
    bin_dir = Path(sys.executable).parent
    rasa_port = settings.rasa_url.rsplit(":", 1)[-1].split("/")[0]
    return {
        "actions": [str(bin_dir / "rasa"), "run", "actions", "--actions", "actions",
                    "--port", str(settings.action_port)],
        "rasa": [str(bin_dir / "rasa"), "run", "--model", str(model), "--enable-api",
                 # One argument: a token that starts with "-" must not read as an option.
                 f"--auth-token={settings.rasa_token}", "--interface", "127.0.0.1",
                 "--port", rasa_port, "--credentials", "credentials.yml",
                 "--endpoints", "endpoints.yml"],
        "gateway": [sys.executable, "-m", "bot", "gateway"],
    }


def child_environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RASA_TOKEN=settings.rasa_token,
        ACTION_PORT=str(settings.action_port),
        DATABASE_URL=settings.database_url,
        SANIC_HOST="127.0.0.1",  # the action server's bind address
        TF_CPP_MIN_LOG_LEVEL="2",
        RASA_TELEMETRY_ENABLED="false",  # no calls home from a lender's servers
    )
    return env


def run_all(settings: Settings, model: Path) -> int:
    if not model.exists():
        print(f"no trained model at {model}: run `make model` first", file=sys.stderr)
        return 1
    try:
        load_policy()  # a mistake in the lender's policy stops the start, naming the key
    except PolicyError as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 1
    if "RASA_TOKEN" not in os.environ:
        settings = _with_token(settings, secrets.token_urlsafe(32))
    try:
        settings.check_safe_to_serve()  # before any child starts
    except UnsafeSettings as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 1
    env = child_environment(settings)
    processes = {
        name: subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)
        for name, command in commands(settings, model).items()
    }
    # Both signals stop everything, even where a background shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        _announce_when_ready(settings, processes)
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping", file=sys.stderr)
                    return process.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(processes)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt()


def _announce_when_ready(settings: Settings, processes: dict) -> None:
    gateway = f"http://{settings.gateway_host}:{settings.gateway_port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and all(p.poll() is None for p in processes.values()):
        if _answers(f"{gateway}/healthz") and _answers(f"{settings.rasa_url}/"):
            print(f"ready: the borrower chat API is at {gateway}/api/v1/chat", flush=True)
            if settings.demo_on:
                print(f"try a chat in your browser: {gateway}/demo", flush=True)
            return
        time.sleep(1)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback only
            return answer.status == 200
    except OSError:
        return False


def _stop(processes: dict) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 15
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def _with_token(settings: Settings, token: str) -> Settings:
    from dataclasses import replace

    return replace(settings, rasa_token=token)
