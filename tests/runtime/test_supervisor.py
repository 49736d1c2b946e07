"""The commands and environment `make run` starts its children with, read by Rasa's own
argument parser and endpoints reader; and the restart of a crashed child."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from unittest.mock import patch

import pytest
from rasa.__main__ import create_argument_parser
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.utils import AvailableEndpoints, number_of_sanic_workers

from bot.rasa.lock_store import RedisLockStore as TolerantLockStore
from bot.runtime.periodic import FIRST_RUN_SECONDS, Periodic, tracker_pruning
from bot.runtime.restarts import Backoff, RestartCount
from bot.runtime.settings import PROJECT_ROOT, Settings
from bot.runtime.stores import REDIS_LOCK_STORE
from bot.runtime.supervisor import Child, Supervisor, child_environment, commands, redis_command
from bot.runtime.topology import Topology

MODEL = Path("models/current.tar.gz")


@pytest.mark.parametrize("token", ["-starts-with-a-dash", "plain_token", "--x"])
def test_rasa_gets_the_token_whatever_it_starts_with(token):
    settings = Settings.from_env({"RASA_TOKEN": token})
    rasa = commands(settings, Path("models/current.tar.gz"))["rasa"]
    assert rasa[:3] == [sys.executable, "-m", "bot.rasa.server"]  # Rasa, with bot/rasa/patches.py
    arguments = create_argument_parser().parse_args(rasa[3:])
    assert arguments.auth_token == token
    assert (arguments.interface, arguments.enable_api) == ("127.0.0.1", True)


def test_one_instance_by_default_with_the_trackers_in_the_loan_database():
    settings = Settings.from_env({"DATABASE_URL": "sqlite:////srv/loans.sqlite3"})
    topology = Topology.from_env({})
    assert list(commands(settings, MODEL, topology)) == ["actions", "rasa", "gateway"]
    env = child_environment(settings, topology)
    assert (env["RASA_URL"], env["RASA_URLS"]) == ("http://127.0.0.1:5005", "http://127.0.0.1:5005")
    assert env["TRACKER_STORE_URL"] == "sqlite:////srv/loans.sqlite3"
    assert env["LOCK_STORE_TYPE"] == "in_memory" and env["ACTION_SERVER_SANIC_WORKERS"] == "1"
    endpoints = read_endpoints(env)
    assert (endpoints.tracker_store.type, endpoints.tracker_store.url) == ("SQL", env["TRACKER_STORE_URL"])
    assert isinstance(LockStore.create(endpoints.lock_store), InMemoryLockStore)


def test_two_instances_on_consecutive_ports_behind_one_redis_lock_store():
    settings = Settings.from_env({"RASA_URL": "http://127.0.0.1:6005", "RASA_TOKEN": "t"})
    topology = Topology.from_env({"RASA_INSTANCES": "2", "ACTION_WORKERS": "3"})
    started = commands(settings, MODEL, topology)
    assert list(started) == ["actions", "rasa-1", "rasa-2", "gateway"]
    ports = [create_argument_parser().parse_args(started[name][3:]).port for name in ("rasa-1", "rasa-2")]
    assert ports == [6005, 6006]
    env = child_environment(settings, topology, "redis://127.0.0.1:7000/0")
    assert env["RASA_URLS"] == "http://127.0.0.1:6005,http://127.0.0.1:6006"
    assert env["RASA_URL"] == "http://127.0.0.1:6005"  # what the gateway used before RASA_URLS
    assert env["REDIS_URL"] == "redis://127.0.0.1:7000/0"
    assert env["ACTION_SERVER_SANIC_WORKERS"] == "3"
    endpoints = read_endpoints(env)
    lock_store = endpoints.lock_store
    assert (lock_store.type, lock_store.url, lock_store.kwargs["port"]) == (
        REDIS_LOCK_STORE, "127.0.0.1", "7000")
    built = LockStore.create(lock_store)  # Rasa's RedisLockStore, as bot/rasa/lock_store.py changes it
    assert isinstance(built, TolerantLockStore) and isinstance(built, RedisLockStore)
    assert built.red.connection_pool.connection_kwargs["port"] == 7000
    # Rasa would run SANIC_WORKERS > 1 with this lock store (it runs 1 with the in-memory one).
    assert number_of_sanic_workers(lock_store) == 1
    with patch.dict(os.environ, {"SANIC_WORKERS": "2"}):
        assert number_of_sanic_workers(lock_store) == 2
        assert number_of_sanic_workers(read_endpoints(child_environment(settings)).lock_store) == 1


@pytest.mark.parametrize("env, starts_redis", [
    ({}, False), ({"RASA_INSTANCES": "2"}, True), ({"ACTION_WORKERS": "2"}, True),
    ({"SANIC_WORKERS": "2"}, True), ({"RASA_INSTANCES": "2", "REDIS_URL": "redis://r:6379/0"}, False),
])
def test_redis_is_started_when_several_processes_share_conversations_and_none_is_given(env, starts_redis):
    assert Topology.from_env(env).starts_redis is starts_redis


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", "17"])
def test_a_count_that_is_not_a_small_whole_number_is_refused(value):
    with pytest.raises(ValueError, match="RASA_INSTANCES"):
        Topology.from_env({"RASA_INSTANCES": value})


def test_the_loopback_redis_keeps_nothing_on_disk():
    command = redis_command(7001, "/tmp/x")
    assert command[0] == "/usr/bin/redis-server"
    assert command[command.index("--save") + 1] == "" and command[command.index("--appendonly") + 1] == "no"
    assert command[command.index("--bind") + 1] == "127.0.0.1"


def test_make_passes_a_command_line_variable_to_the_supervisor(tmp_path):
    """`make run RASA_INSTANCES=2`: make exports command-line variables to its recipes."""
    (tmp_path / "Makefile").write_text("show:\n\t@echo \"[$$RASA_INSTANCES]\"\n")
    shown = subprocess.run(["make", "-s", "-C", str(tmp_path), "show", "RASA_INSTANCES=2"],
                           capture_output=True, text=True, check=True, env={"PATH": os.environ["PATH"]})
    assert shown.stdout.strip() == "[2]"


def test_a_crashed_child_is_started_again_after_the_backoff_and_logged():
    """A real process (a sleeping Python), killed; the supervisor's clock is the test's."""
    now = [100.0]
    lines: list[str] = []
    child = Child("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"],
                  RestartCount(Backoff(first=2, cap=8, healthy_after=30)))
    supervisor = Supervisor([child], dict(os.environ), clock=lambda: now[0], log=lines.append)
    supervisor.start_all()
    try:
        first = child.process
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        now[0] += 5
        supervisor.tick()
        assert lines == ["sleeper exited with signal SIGKILL (exit code -9) after 5 s; restarting in 2 s"]
        now[0] += 1
        supervisor.tick()
        assert child.process is first  # still waiting out the backoff
        now[0] += 1
        supervisor.tick()
        assert child.process is not first and child.process.poll() is None and child.starts == 2
        assert lines[-1] == "starting sleeper again (restart 1)"
        child.process.terminate()
        child.process.wait()
        now[0] += 1
        supervisor.tick()  # a second crash soon after: a longer wait
        assert lines[-1].endswith("after 1 s; restarting in 4 s")
    finally:
        supervisor.stop_all()
    assert child.process.poll() is not None


def read_endpoints(env: dict[str, str]):
    with patch.dict(os.environ, env, clear=True):
        return AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml"))


def test_a_periodic_job_runs_when_due_one_run_at_a_time_and_stops_with_the_children():
    """A real command; the supervisor's clock is the test's."""
    now = [100.0]
    lines: list[str] = []
    job = Periodic("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], every=50,
                   next_at=110.0)
    supervisor = Supervisor([], dict(os.environ), clock=lambda: now[0], log=lines.append, jobs=[job])
    try:
        supervisor.tick()
        assert job.process is None  # not due yet
        now[0] = 110
        supervisor.tick()
        first = job.process
        assert first is not None and first.poll() is None and job.next_at == 160
        now[0] = 170
        supervisor.tick()
        assert job.process is first  # still running: the next run waits for it
        first.kill()
        first.wait()
        supervisor.tick()  # it ended (a failure is logged), and the next was due: it starts
        assert lines == ["sleeper failed with signal SIGKILL (exit code -9); next run in 0 s"]
        assert job.process is not first and job.next_at == 220
    finally:
        supervisor.stop_all()
    assert job.process.poll() is not None


def test_the_trackers_are_pruned_soon_after_the_start_then_every_period():
    job = tracker_pruning(86400, now=1000.0)
    assert job.command[-3:] == ["trackers", "prune", "--quiet"]
    assert (job.next_at, job.every) == (1000.0 + FIRST_RUN_SECONDS, 86400)
    assert tracker_pruning(60, now=1000.0).next_at == 1060.0
    assert Settings.from_env({"TRACKER_PRUNE_EVERY_SECONDS": "0"}).tracker_prune_every == 0  # off
