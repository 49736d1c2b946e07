"""`make run`: the Rasa server(s), the action server and the gateway, as one foreground process.

Rasa and the action server listen on loopback only; Rasa's API needs its token, which is
generated per run unless RASA_TOKEN is set. A child that exits is started again after a
backoff (bot/runtime/restarts.py), and each restart is logged with the exit code; only SIGINT
or SIGTERM stop everything. How many Rasa servers and action workers run, and whether a
loopback redis-server is started for Rasa's lock store, is bot/runtime/topology.py's. Beside
the children it prunes Rasa's trackers once a day (bot/runtime/periodic.py).
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType

from bot.arrangements.policy import PolicyError, load_policy
from bot.rasa.server import command as rasa_server
from bot.runtime import rasa_api
from bot.runtime.periodic import Periodic, tracker_pruning
from bot.runtime.restarts import Backoff, RestartCount, describe_exit
from bot.runtime.settings import PROJECT_ROOT, Settings, UnsafeSettings
from bot.runtime.stores import (
    REDIS_LOCK_STORE,
    StoreSettingsError,
    prepare_tracker_database,
    rasa_store_environment,
)
from bot.runtime.topology import REDIS_SERVER, Topology

STOP_SECONDS = 15  # a child that has not stopped on SIGTERM by then is killed
TICK_SECONDS = 0.5
READY_CHECK_SECONDS = 2.0


def commands(settings: Settings, model: Path, topology: Topology | None = None) -> dict[str, list[str]]:
    """Each child's command, by name: "actions", "rasa" (or "rasa-1" … "rasa-N"), "gateway"."""
    topology = topology or Topology()
    bin_dir = Path(sys.executable).parent
    started: dict[str, list[str]] = {
        "actions": [str(bin_dir / "rasa"), "run", "actions", "--actions", "actions",
                    "--port", str(settings.action_port)],
    }
    for name, url in zip(topology.rasa_names(), topology.rasa_urls(settings.rasa_url), strict=True):
        started[name] = rasa_server([
            "run", "--model", str(model), "--enable-api",
            # One argument: a token that starts with "-" must not read as an option.
            f"--auth-token={settings.rasa_token}", "--interface", "127.0.0.1",
            "--port", url.rsplit(":", 1)[-1], "--credentials", "credentials.yml",
            "--endpoints", "endpoints.yml"])
    started["gateway"] = [sys.executable, "-m", "bot", "gateway"]
    return started


def redis_command(port: int, directory: str) -> list[str]:
    """A loopback redis-server that keeps nothing on disk (the locks are only worth a moment)."""
    return [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", directory]


def child_environment(settings: Settings, topology: Topology | None = None,
                      redis_url: str | None = None) -> dict[str, str]:
    topology = topology or Topology()
    env = dict(os.environ)
    rasa_urls = topology.rasa_urls(settings.rasa_url)
    env.update(
        RASA_TOKEN=settings.rasa_token,
        ACTION_PORT=str(settings.action_port),
        DATABASE_URL=settings.database_url,
        RASA_URL=rasa_urls[0],  # the gateway before RASA_URLS: the first instance
        RASA_URLS=",".join(rasa_urls),
        SANIC_HOST="127.0.0.1",  # the action server's bind address
        ACTION_SERVER_SANIC_WORKERS=str(topology.action_workers),  # rasa-sdk's variable
        TF_CPP_MIN_LOG_LEVEL="2",
        RASA_TELEMETRY_ENABLED="false",  # no calls home from a lender's servers
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    # The lock store is Redis exactly when several Rasa processes could share a conversation.
    env.update(rasa_store_environment(settings.database_url,
                                      redis_url if topology.needs_lock_store else None, env))
    return env


@dataclass
class Child:
    """One supervised process: started again after a backoff whenever it exits."""

    name: str
    command: list[str]
    restarts: RestartCount
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restart_at: float | None = None  # when it is down: when it starts again
    starts: int = 0


@dataclass
class Supervisor:
    children: list[Child]
    env: dict[str, str]
    clock: Callable[[], float] = time.monotonic
    log: Callable[[str], None] = field(default=lambda line: print(
        f"supervisor: {line}", file=sys.stderr, flush=True))
    jobs: list[Periodic] = field(default_factory=list)  # run now and then (bot/runtime/periodic.py)

    def start(self, child: Child) -> None:
        child.process = self.spawn(child.command)
        child.started_at, child.restart_at = self.clock(), None
        child.starts += 1

    def spawn(self, command: list[str]) -> subprocess.Popen:
        # A session (process group) of its own: Sanic's worker processes go with their parent.
        return subprocess.Popen(command, cwd=PROJECT_ROOT, env=self.env, start_new_session=True)

    def start_all(self) -> None:
        for child in self.children:
            self.start(child)

    def tick(self) -> None:
        """Notices children that exited (scheduling their restart) and restarts those due."""
        now = self.clock()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self.log(f"starting {child.name} again (restart {child.restarts.failures})")
                    self.start(child)
                continue
            process = child.process
            if process is None or process.poll() is None:
                continue
            _kill_group(process, signal.SIGKILL)  # leftovers of a crashed parent
            ran_for = now - child.started_at
            delay = child.restarts.exited(ran_for)
            child.restart_at = now + delay
            self.log(f"{child.name} exited with {describe_exit(process.returncode)} after "
                     f"{ran_for:.0f} s; restarting in {delay:g} s")
        for job in self.jobs:
            job.tick(now, self.spawn, self.log)

    def stop_all(self) -> None:
        processes = [c.process for c in self.children] + [j.process for j in self.jobs]
        running = [p for p in processes if p is not None and p.poll() is None]
        for process in running:
            _kill_group(process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for process in running:
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            _kill_group(process, signal.SIGKILL)
            process.wait()


def run_all(settings: Settings, model: Path, backoff: Backoff | None = None) -> int:
    if not model.exists():
        print(f"no trained model at {model}: run `make model` first", file=sys.stderr)
        return 1
    try:
        load_policy()  # a mistake in the lender's policy stops the start, naming the key
        topology = Topology.from_env()
    except (PolicyError, ValueError) as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 1
    if "RASA_TOKEN" not in os.environ:
        settings = replace(settings, rasa_token=secrets.token_urlsafe(32))
    try:
        settings.check_safe_to_serve()  # before any child starts
    except UnsafeSettings as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 1
    if topology.starts_redis and not Path(REDIS_SERVER).exists():
        print("cannot start: several Rasa processes (RASA_INSTANCES, ACTION_WORKERS or "
              "SANIC_WORKERS above 1) need Redis for Rasa's lock store: set REDIS_URL, or "
              "install redis-server (apt-get install redis-server)", file=sys.stderr)
        return 1
    backoff = backoff or Backoff()
    children: list[Child] = []
    redis_url = topology.redis_url
    with tempfile.TemporaryDirectory(prefix="bot-redis-") as redis_dir:
        if topology.starts_redis:
            port = _free_port()
            redis_url = f"redis://127.0.0.1:{port}/0"
            children.append(Child("redis", redis_command(port, redis_dir), RestartCount(backoff)))
        try:
            env = child_environment(settings, topology, redis_url)
        except StoreSettingsError as error:
            print(f"cannot start: {error}", file=sys.stderr)
            return 1
        prepare_tracker_database(env["TRACKER_STORE_URL"])
        children += [Child(name, command, RestartCount(backoff))
                     for name, command in commands(settings, model, topology).items()]
        supervisor = Supervisor(children, env)
        if settings.tracker_prune_every > 0:  # TRACKER_PRUNE_EVERY_SECONDS; 0: never
            supervisor.jobs.append(tracker_pruning(settings.tracker_prune_every, time.monotonic()))
        # `python -m bot model promote` loads a new model into these servers (bot/runtime/rasa_api.py).
        rasa_api.publish(rasa_api.RasaApi(tuple(env["RASA_URLS"].split(",")), settings.rasa_token,
                                          os.path.abspath(PROJECT_ROOT / model), topology.rasa_workers))
        # Both signals stop everything, even where a background shell started us with SIGINT ignored.
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            if topology.starts_redis and redis_url:
                supervisor.start(children[0])
                _wait_for_port(redis_url)
            for child in children:
                if child.process is None:
                    supervisor.start(child)
            _describe(supervisor, topology, env)
            announced, next_check = False, 0.0
            while True:
                supervisor.tick()
                if not announced and time.monotonic() >= next_check:
                    announced = _announce_if_ready(settings, env)
                    next_check = time.monotonic() + READY_CHECK_SECONDS
                time.sleep(TICK_SECONDS)
        except KeyboardInterrupt:
            return 0
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop short
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            supervisor.stop_all()
            rasa_api.withdraw()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt()


def _describe(supervisor: Supervisor, topology: Topology, env: dict[str, str]) -> None:
    names = ", ".join(f"{c.name} (pid {c.process.pid})" for c in supervisor.children if c.process)
    supervisor.log(f"started {names}")
    lock = "redis " + env["REDIS_URL"] if env["LOCK_STORE_TYPE"] == REDIS_LOCK_STORE else "in memory"
    supervisor.log(f"Rasa at {env['RASA_URLS']}; lock store {lock}; action workers "
                   f"{topology.action_workers}")


def _announce_if_ready(settings: Settings, env: dict[str, str]) -> bool:
    gateway = f"http://{settings.gateway_host}:{settings.gateway_port}"
    # Rasa's servers first: the gateway logs each /readyz it answers, so it is asked last.
    urls = [*(f"{url}/" for url in env["RASA_URLS"].split(",")), f"{gateway}/readyz"]
    if not all(_answers(url) for url in urls):
        return False
    print(f"ready: the borrower chat API is at {gateway}/api/v1/chat", flush=True)
    if settings.demo_on:
        print(f"try a chat in your browser: {gateway}/demo", flush=True)
    return True


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback only
            return answer.status == 200
    except OSError:
        return False


def _kill_group(process: subprocess.Popen, signum: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)  # its own session: the group id is its pid


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(url: str, seconds: float = 10) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
