"""The container image and compose file, checked without a Docker daemon: compose.yml parses,
sets only variables the project reads, wires every URL to a service it has, and keeps the
internals unpublished; the Dockerfile builds what it says; the container roles run what
`make run` runs, reachable by name instead of loopback."""
from __future__ import annotations

import re
import sys

import pytest
import yaml

from bot.runtime import container
from bot.runtime.settings import PROJECT_ROOT
from bot.runtime.stores import REDIS_LOCK_STORE

COMPOSE = yaml.safe_load((PROJECT_ROOT / "compose.yml").read_text())
SERVICES = COMPOSE["services"]
OURS = {name: service for name, service in SERVICES.items() if service.get("build") == "."}
# Read by the images' own programs, not by this project.
IMAGE_VARIABLES = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}
SECRETS = ["WALLET_JWT_SECRET", "AGENT_JWT_SECRET", "WALLET_SERVICE_TOKEN", "RASA_TOKEN"]


def project_reads() -> str:
    """Every source that reads the environment: the package, and the endpoints file Rasa reads."""
    files = [*sorted((PROJECT_ROOT / "bot").rglob("*.py")), PROJECT_ROOT / "endpoints.yml",
             PROJECT_ROOT / "credentials.yml"]
    return "\n".join(path.read_text() for path in files)


def test_container_compose_has_the_topology():
    assert set(SERVICES) >= {"postgres", "redis", "migrate", "actions", "rasa-1", "rasa-2", "gateway"}
    assert {name: service["command"] for name, service in OURS.items()} == {
        "migrate": ["migrate"], "actions": ["actions"], "rasa-1": ["rasa"], "rasa-2": ["rasa"],
        "gateway": ["gateway"]}
    assert all(role[0] in container.ROLES for role in (s["command"] for s in OURS.values()))


def test_container_compose_sets_only_variables_the_project_reads():
    sources = project_reads()
    for name, service in SERVICES.items():
        for variable in service.get("environment", {}):
            if name in OURS:
                assert re.search(rf"[\"'{{]{variable}[\"'}}]", sources), (name, variable)
            else:
                assert variable in IMAGE_VARIABLES, (name, variable)


def test_container_compose_wires_urls_to_its_own_services():
    gateway = OURS["gateway"]["environment"]
    rasa_urls = gateway["RASA_URLS"].split(",")
    assert [url.split("//")[1].split(":")[0] for url in rasa_urls] == ["rasa-1", "rasa-2"]
    assert gateway["RASA_URL"] == rasa_urls[0]
    for name in ("gateway", "rasa-1", "rasa-2", "actions", "migrate"):
        environment = OURS[name]["environment"]
        assert "@postgres:5432/" in environment["DATABASE_URL"]
        if "REDIS_URL" in environment:
            assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    assert OURS["rasa-1"]["environment"]["ACTION_ENDPOINT_URL"] == "http://actions:5055/webhook"
    assert OURS["actions"]["environment"]["ACTION_PORT"] == "5055"


def test_container_compose_requires_real_secrets_and_publishes_the_gateway_alone():
    gateway = OURS["gateway"]["environment"]
    for secret in SECRETS:  # `${NAME:?…}`: compose refuses to start without it
        assert gateway[secret].startswith(f"${{{secret}:?"), secret
    assert gateway["GATEWAY_HOST"] == "0.0.0.0"  # so Settings.check_safe_to_serve applies
    assert [name for name, service in SERVICES.items() if "ports" in service] == ["gateway"]
    assert OURS["gateway"]["ports"] == ["${GATEWAY_PUBLISH:-127.0.0.1:8080}:8080"]


def test_container_example_env_names_every_variable_compose_requires():
    text = (PROJECT_ROOT / "compose.yml").read_text()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", text))
    lines = (PROJECT_ROOT / "deploy.env.example").read_text().splitlines()
    example = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    assert required <= example


def test_container_dockerfile_builds_everything_at_build_time():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.10-slim", dockerfile, re.M)
    runs = " ".join(re.findall(r"^RUN ((?:.*\\\n)*.*)", dockerfile, re.M))
    assert "make install" in runs and "make model" in runs
    assert "bot.runtime.container endpoints > endpoints.container.yml" in runs
    assert 'ENTRYPOINT ["python", "-m", "bot.runtime.container"]' in dockerfile
    assert "USER bot" in dockerfile
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".stamps", "models", "var", ".git"} <= set(ignored)


def test_container_endpoints_reach_the_action_server_by_name():
    original = (PROJECT_ROOT / "endpoints.yml").read_text()
    made = container.container_endpoints(original)
    assert "127.0.0.1" not in made and "${ACTION_ENDPOINT_URL}" in made
    assert yaml.safe_load(made)["action_endpoint"] == {"url": "${ACTION_ENDPOINT_URL}"}
    rest = {k: v for k, v in yaml.safe_load(original).items() if k != "action_endpoint"}
    assert {k: v for k, v in yaml.safe_load(made).items() if k != "action_endpoint"} == rest
    with pytest.raises(container.ContainerError):
        container.container_endpoints("action_endpoint:\n  url: http://elsewhere/webhook\n")


ENV = {"DATABASE_URL": "postgresql://collections:pw@postgres:5432/collections",
       "RASA_TOKEN": "a-real-token", "REDIS_URL": "redis://redis:6379/0",
       "ACTION_ENDPOINT_URL": "http://actions:5055/webhook"}


def test_container_rasa_role_serves_beyond_loopback_with_the_shared_stores(monkeypatch, tmp_path):
    model = tmp_path / "current.tar.gz"
    model.write_bytes(b"")
    monkeypatch.setattr(container, "MODEL", model)
    program, env = container.command("rasa", ENV)
    assert program[:4] == [sys.executable, "-m", "bot.rasa.server", "run"]  # with bot/rasa/patches.py
    assert program[program.index("--interface") + 1] == "0.0.0.0"
    assert program[program.index("--endpoints") + 1] == container.CONTAINER_ENDPOINTS
    assert "--auth-token=a-real-token" in program and "--enable-api" in program
    assert env["TRACKER_STORE_URL"] == ENV["DATABASE_URL"]
    lock_store = env["LOCK_STORE_TYPE"], env["LOCK_STORE_HOST"], env["LOCK_STORE_PORT"]
    assert lock_store == (REDIS_LOCK_STORE, "redis", "6379")


@pytest.mark.parametrize("missing", ["RASA_TOKEN", "ACTION_ENDPOINT_URL"])
def test_container_rasa_role_refuses_to_start_without_its_settings(missing, monkeypatch, tmp_path):
    model = tmp_path / "current.tar.gz"
    model.write_bytes(b"")
    monkeypatch.setattr(container, "MODEL", model)
    with pytest.raises(container.ContainerError, match=missing):
        container.command("rasa", {k: v for k, v in ENV.items() if k != missing})


def test_container_actions_and_gateway_roles():
    program, env = container.command("actions", {"ACTION_PORT": "5055", "ACTION_WORKERS": "2"})
    assert program[1:] == ["run", "actions", "--actions", "actions", "--port", "5055"]
    assert (env["SANIC_HOST"], env["ACTION_SERVER_SANIC_WORKERS"]) == ("0.0.0.0", "2")
    assert container.command("gateway", {})[0][1:] == ["-m", "bot", "gateway"]
    with pytest.raises(container.ContainerError):
        container.command("shell", {})
    assert container.main(["shell"]) == 2
