"""A real Redis server for the tests, with no prior set-up.

`REDIS_TEST_URL` (e.g. redis://127.0.0.1:6379/15) is used when set: the tests flush that
database, so name one nothing else uses. Otherwise Debian's `/usr/bin/redis-server`
(`apt-get install redis-server`) is started in a temporary directory: loopback only, on a
free port, nothing saved (`--save '' --appendonly no`). It is stopped and deleted when the
test session ends.
"""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis

REDIS_SERVER = "/usr/bin/redis-server"
INSTALL_HINT = (
    "the tests need a Redis server: install it with `apt-get install redis-server` "
    "(Debian/Ubuntu; the tests start a throwaway server themselves), or point REDIS_TEST_URL "
    "at a server database the tests may flush. Set ALLOW_NO_REDIS=1 to skip the Redis tests instead."
)
START_SECONDS = 20.0


class RedisUnavailable(RuntimeError):
    """No Redis server can be had (no binary and no REDIS_TEST_URL)."""


class RedisServer:
    def __init__(self, url: str, process: subprocess.Popen | None = None,
                 directory: Path | None = None) -> None:
        self.url, self._process, self._directory = url, process, directory

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].split("/")[0])

    def flush(self) -> None:
        """Empties the tests' database (and nothing else)."""
        with redis.Redis.from_url(self.url) as client:
            client.flushdb()

    def start_again(self) -> None:
        """After `stop`, a server of one's own (`start_own_server`) comes back empty on the
        same port, as a restarted redis-server that keeps nothing."""
        again = start_own_server(self.port)
        self._process, self._directory = again._process, again._directory

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None


def start_server() -> RedisServer:
    """The server of REDIS_TEST_URL, or a new throwaway one (raises RedisUnavailable)."""
    url = os.environ.get("REDIS_TEST_URL", "").strip()
    if url:
        try:
            with redis.Redis.from_url(url, socket_connect_timeout=5) as client:
                client.ping()
        except redis.RedisError as error:  # a URL given on purpose fails, whatever ALLOW_NO_REDIS says
            raise RuntimeError(f"REDIS_TEST_URL names a server that does not answer: {error}") from None
        return RedisServer(url)
    return start_own_server()


def start_own_server(port: int | None = None) -> RedisServer:
    """A throwaway redis-server of the caller's own, on `port` (default: a free one): a test
    may stop it and start another on the same port, as a restarted Redis (raises
    RedisUnavailable)."""
    binary = REDIS_SERVER if Path(REDIS_SERVER).exists() else shutil.which("redis-server")
    if binary is None:
        raise RedisUnavailable(f"no {REDIS_SERVER}: {INSTALL_HINT}")
    directory = Path(tempfile.mkdtemp(prefix="bot-tests-redis-"))
    for attempt in range(3):  # another process may take the free port first
        server = _start(binary, directory, port or _free_port())
        if server is not None:
            atexit.register(server.stop)
            return server
        if attempt == 2:
            log = (directory / "redis.log").read_text(errors="replace")[-2000:]
            shutil.rmtree(directory, ignore_errors=True)
            raise RedisUnavailable(f"redis-server did not start:\n{log}")
    raise AssertionError("unreachable")


def _start(binary: str, directory: Path, port: int) -> RedisServer | None:
    log = directory / "redis.log"
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(directory), "--logfile", str(log), "--daemonize", "no", "--databases", "4"],
        cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        try:
            with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
                client.ping()
            return RedisServer(url, process, directory)
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    process.wait()
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
