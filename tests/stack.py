"""The whole bot, for conversation tests: Rasa with the trained test model, the action
server and the gateway, as real processes on free loopback ports, sharing one database."""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.rasa.server import command as rasa_server
from bot.runtime.settings import PROJECT_ROOT
from bot.runtime.stores import rasa_store_environment

TEST_MODEL = PROJECT_ROOT / "models" / "test" / "test.tar.gz"
STARTUP_SECONDS = 240


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    database_url: str
    log_dir: Path
    model: Path = TEST_MODEL
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    rasa_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    wallet_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    ports: dict = field(default_factory=lambda: {n: free_port() for n in ("rasa", "actions", "gateway")})
    processes: dict = field(default_factory=dict)
    redis_url: str | None = None  # Rasa's lock store: in memory unless set

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    @property
    def rasa(self) -> str:
        return f"http://127.0.0.1:{self.ports['rasa']}"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url, WALLET_JWT_SECRET=self.jwt_secret,
            RASA_TOKEN=self.rasa_token, RASA_URL=self.rasa, WALLET_SERVICE_TOKEN=self.wallet_token,
            ACTION_PORT=str(self.ports["actions"]), GATEWAY_PORT=str(self.ports["gateway"]),
            SANIC_HOST="127.0.0.1", TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false",
        )
        # Scripted borrowers type faster than people: no per-borrower rate limit here
        # (tests/gateway/borrower/test_protection.py tests it).
        env.setdefault("CHAT_RATE_INTERVAL_SECONDS", "0")
        # endpoints.yml's tracker store (the trackers in this database) and lock store.
        env.update(rasa_store_environment(self.database_url, self.redis_url))
        return env

    def start(self) -> Stack:
        rasa = str(Path(sys.executable).parent / "rasa")
        commands = {
            "actions": [rasa, "run", "actions", "--actions", "actions",
                        "--port", str(self.ports["actions"])],
            "rasa": rasa_server([
                "run", "--model", str(self.model), "--enable-api", f"--auth-token={self.rasa_token}",
                "--interface", "127.0.0.1", "--port", str(self.ports["rasa"]), "--credentials",
                "credentials.yml", "--endpoints", "endpoints.yml"]),
            "gateway": [sys.executable, "-m", "bot", "gateway"],
        }
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            for name, command in commands.items():
                self.start_process(name, command)
            self.wait_until_ready()
        except BaseException:
            self.stop()  # never leave processes behind a failed start
            raise
        return self

    def start_process(self, name: str, command: list[str]) -> None:
        with open(self.log_dir / f"{name}.log", "ab") as log:  # the process keeps its own copy
            self.processes[name] = (subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=self.environment(), stdout=log,
                stderr=subprocess.STDOUT), command)

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        urls = [f"{self.rasa}/", f"http://127.0.0.1:{self.ports['actions']}/health",
                f"{self.gateway}/healthz"]
        while time.monotonic() < deadline:
            for name, (process, _) in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.log_tail(name)}")
            if all(_answers(url) for url in urls):
                return
            time.sleep(1)
        raise RuntimeError(f"the bot did not start in {STARTUP_SECONDS}s; gateway log:\n"
                           f"{self.log_tail('gateway')}\nrasa log:\n{self.log_tail('rasa')}")

    def log_tail(self, name: str, lines: int = 30) -> str:
        """The end of a process's log, so a failed start explains itself in the test output."""
        path = self.log_dir / f"{name}.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop_process(self, name: str) -> None:
        process, _ = self.processes[name]
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()

    def restart_process(self, name: str) -> None:
        _, command = self.processes[name]
        self.start_process(name, command)
        self.wait_until_ready()

    def outreach_pass(self, at: datetime) -> str:
        """One outreach pass as of `at`, as the command line runs it (CONTRACT §6): what it printed."""
        done = subprocess.run([sys.executable, "-m", "bot", "outreach", "run", "--at", at.isoformat()],
                              cwd=PROJECT_ROOT, env=self.environment(), capture_output=True,
                              text=True, timeout=120)
        if done.returncode != 0:
            raise AssertionError(f"outreach run failed: {done.stderr}")
        return done.stdout

    def stop(self) -> None:
        for name in list(self.processes):
            if self.processes[name][0].poll() is None:
                self.stop_process(name)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False
