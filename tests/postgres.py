"""A real PostgreSQL server for the tests, with no prior set-up.

`TEST_POSTGRES_URL` (any SQLAlchemy/libpq URL of a role that may CREATE DATABASE) is used when
set. Otherwise Debian's PostgreSQL binaries (`apt-get install postgresql`) start a throwaway
cluster in a temporary directory (on /dev/shm when it has room): loopback only, on a free
port, its unix socket in that directory too, trust authentication, durability switched off
for speed. It is stopped and deleted when the test session ends. initdb refuses to run as
root, so as root the cluster belongs to the `postgres` system user (`runuser -u postgres --`).
"""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from sqlalchemy.engine.url import URL, make_url

INSTALL_HINT = (
    "the tests need a PostgreSQL server: install it with `apt-get install postgresql` "
    "(Debian/Ubuntu; the tests start a throwaway cluster themselves), or point "
    "TEST_POSTGRES_URL at a server where the user may CREATE DATABASE. "
    "Set ALLOW_NO_POSTGRES=1 to skip the PostgreSQL tests instead."
)


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be had (no binaries and no TEST_POSTGRES_URL)."""


class PostgresServer:
    """A server the tests may create and drop databases on."""

    def __init__(self, url: str, cluster: _Cluster | None = None) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() != "postgresql":
            raise ValueError(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
        self._url: URL = parsed.set(drivername="postgresql+psycopg2")
        self._cluster = cluster
        self._admin = None

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the server's maintenance database."""
        return self._url.render_as_string(hide_password=False)

    def url_of(self, database: str) -> str:
        return self._url.set(database=database).render_as_string(hide_password=False)

    def create_database(self, name: str | None = None) -> str:
        """A new empty UTF-8 database; returns its SQLAlchemy URL."""
        name = name or f"t_{uuid.uuid4().hex}"
        _check_name(name)
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return self.url_of(name)

    def drop_database(self, name_or_url: str) -> None:
        name = make_url(name_or_url).database if "://" in name_or_url else name_or_url
        _check_name(name)
        self._execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        self._execute(f'DROP DATABASE IF EXISTS "{name}"')

    @contextmanager
    def database(self) -> Iterator[str]:
        """A fresh database for the block, dropped afterwards."""
        url = self.create_database()
        try:
            yield url
        finally:
            self.drop_database(url)

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self._cluster is not None:
            self._cluster.stop()
            self._cluster = None

    def _execute(self, sql: str, params: tuple = ()) -> None:
        if self._admin is None or self._admin.closed:
            self._admin = psycopg2.connect(**_libpq_arguments(self._url))
            self._admin.autocommit = True
        with self._admin.cursor() as cursor:
            cursor.execute(sql, params)


def start_server() -> PostgresServer:
    """The server of TEST_POSTGRES_URL, or a new throwaway cluster (raises PostgresUnavailable)."""
    url = os.environ.get("TEST_POSTGRES_URL", "").strip()
    if url:
        server = PostgresServer(url)
        try:
            server._execute("SELECT 1")
        except psycopg2.Error as error:  # a URL given on purpose fails, whatever ALLOW_NO_POSTGRES says
            raise RuntimeError(f"TEST_POSTGRES_URL names a server that does not answer: {error}") from None
        return server
    cluster = _Cluster.start()
    return PostgresServer(cluster.url, cluster)


def find_binaries() -> Path | None:
    """The bin directory of the newest PostgreSQL installed the Debian way, if any."""
    candidates = [
        Path(initdb).parent
        for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb")
        if Path(initdb).with_name("pg_ctl").exists()
    ]
    candidates.sort(key=lambda path: _version_key(path.parent.name))
    return candidates[-1] if candidates else None


class _Cluster:
    def __init__(self, directory: Path, bindir: Path, port: int, prefix: list[str]) -> None:
        self.directory, self.bindir, self.port, self.prefix = directory, bindir, port, prefix
        self.data, self.sockets = directory / "data", directory / "sockets"
        self.log = directory / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start(cls) -> _Cluster:
        bindir = find_binaries()
        if bindir is None:
            raise PostgresUnavailable(f"no PostgreSQL binaries in /usr/lib/postgresql/*/bin: {INSTALL_HINT}")
        directory = Path(tempfile.mkdtemp(prefix="bot-tests-pg-", dir=_scratch_parent()))
        prefix: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to `postgres`
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(directory, ignore_errors=True)
                raise PostgresUnavailable(
                    f"running as root and there is no `postgres` user: {INSTALL_HINT}") from None
            os.chown(directory, owner.pw_uid, owner.pw_gid)
            prefix = ["runuser", "-u", "postgres", "--"]
        cluster = cls(directory, bindir, 0, prefix)
        try:
            cluster._initdb()
            for attempt in range(3):  # another process may take the free port first
                cluster.port = _free_port()
                try:
                    cluster._start()
                    break
                except PostgresUnavailable:
                    cluster._kill()
                    if attempt == 2:
                        raise
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        atexit.register(cluster.stop)
        return cluster

    def _initdb(self) -> None:
        self._run(
            [str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
             "-E", "UTF8", "--no-locale", "--no-sync"],
            "initdb",
        )
        self._run(["mkdir", "-p", str(self.sockets)], "mkdir")

    def _start(self) -> None:
        options = " ".join([
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.sockets}",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=200",
        ])
        self._run(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
             "-o", options, "-w", "-t", "60", "start"],
            "pg_ctl start",
        )

    def stop(self) -> None:
        if self.directory.exists():
            self._kill()
            shutil.rmtree(self.directory, ignore_errors=True)

    def _kill(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                 "stop"],
                cwd=self.directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
            )

    def _run(self, command: list[str], what: str) -> None:
        # cwd: the postgres user may not be allowed to read the caller's directory.
        result = subprocess.run(
            self.prefix + command, cwd=self.directory, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresUnavailable(
                f"{what} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}"
                + (f"\nserver log:\n{log}" if log else "")
            )


def _scratch_parent() -> str | None:
    """RAM-backed /dev/shm when it has room: creating a database per test is I/O bound."""
    try:
        stats = os.statvfs("/dev/shm")
    except OSError:
        return None
    roomy = stats.f_bavail * stats.f_frsize >= 512 * 1024 * 1024
    return "/dev/shm" if roomy and os.access("/dev/shm", os.W_OK | os.X_OK) else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _version_key(name: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[.]", name))


def _check_name(name: str | None) -> None:
    if not name or not re.fullmatch(r"[A-Za-z0-9_]{1,63}", name):
        raise ValueError(f"refusing an unusual database name: {name!r}")


def _libpq_arguments(url: URL) -> dict:
    arguments = {
        "host": url.host,
        "port": url.port,
        "user": url.username,
        "password": url.password,
        "dbname": url.database or "postgres",
    }
    arguments.update({key: value for key, value in url.query.items() if isinstance(value, str)})
    return {key: value for key, value in arguments.items() if value is not None}
