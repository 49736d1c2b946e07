"""Promote and roll back against stand-ins for Rasa's HTTP API (GET /status, PUT /model behind a
token): each server loads the model in turn; a server that refuses it undoes the promotion
everywhere; one that cannot be reached leaves the pointer switched and says so."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.runtime.rasa_api import RasaApi
from bot.training.models.promotion import promote, rollback
from bot.training.models.registry import Registry, RegistryError
from bot.training.models.train import train
from tests.stack import free_port
from tests.training.models.conftest import FakeRasaTrain

TOKEN = "a-token"


class FakeRasa(ThreadingHTTPServer):
    """What Rasa's API does for a load: the model is the one PUT, unless refused."""

    def __init__(self, serving: str = "current.tar.gz") -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.serving = serving
        self.loads: list[str] = []
        self.refuse: int | None = None  # answer PUT /model with this status

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: FakeRasa

    def log_message(self, *args: object) -> None:
        pass

    def authorised(self) -> bool:
        if parse_qs(urlsplit(self.path).query).get("token") == [TOKEN]:
            return True
        self.answer(401, {"message": "User is not authenticated."})
        return False

    def answer(self, status: int, body: dict | None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.authorised():
            self.answer(200, {"model_file": self.server.serving, "model_id": "m-" + self.server.serving})

    def do_PUT(self) -> None:
        if not self.authorised():
            return
        path = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["model_file"]
        if self.server.refuse:
            self.answer(self.server.refuse, {"message": "An unexpected error occurred."})
            return
        self.server.loads.append(path)
        self.server.serving = Path(path).name
        self.answer(204, None)


@pytest.fixture
def servers() -> Iterator[list[FakeRasa]]:
    started = [FakeRasa(), FakeRasa()]
    for server in started:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield started
    for server in started:
        server.shutdown()
        server.server_close()


def apis(servers: list[FakeRasa], token: str = TOKEN) -> list[RasaApi]:
    return [RasaApi(tuple(server.url for server in servers), token)]


def two_models(registry: Registry, project: Path) -> tuple[str, str]:
    start = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)
    first = train(registry, project, runner=FakeRasaTrain(), clock=lambda: start).model.id
    (project / "data/nlu/en.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - hello\n")
    second = train(registry, project, runner=FakeRasaTrain(),
                   clock=lambda: start + timedelta(minutes=5)).model.id
    return first, second


def test_promote_loads_the_candidate_into_every_server_and_rollback_the_one_before(
        registry: Registry, project: Path, servers: list[FakeRasa]):
    a, b = two_models(registry, project)
    result = promote(registry, None, apis(servers))  # the latest candidate
    assert result.code == 0, result.lines
    assert registry.link_target() == b
    for server in servers:
        assert server.loads == [str(registry.archive(b).resolve())] and server.serving == f"{b}.tar.gz"
    assert result.lines[0].startswith(f"{b} in service (was {a})")
    assert sum("loaded" in line for line in result.lines) == 2

    again = promote(registry, b, apis(servers))  # in service and served already: nothing loaded
    assert again.code == 0 and all(len(server.loads) == 1 for server in servers)
    assert "already" in again.lines[0]

    back = rollback(registry, apis(servers))
    assert back.code == 0 and registry.link_target() == a
    assert all(server.serving == f"{a}.tar.gz" for server in servers)
    assert back.lines[0].startswith(f"{a} back in service (was {b})")


def test_a_server_that_refuses_the_model_undoes_the_promotion_everywhere(
        registry: Registry, project: Path, servers: list[FakeRasa]):
    a, b = two_models(registry, project)
    servers[1].refuse = 500
    result = promote(registry, b, apis(servers))
    assert result.code == 1
    assert registry.service().stack == [a] and registry.link_target() == a
    assert servers[0].loads == [str(registry.archive(b).resolve()), str(registry.archive(a).resolve())]
    assert servers[0].serving == f"{a}.tar.gz"  # given the old model again
    text = "\n".join(result.lines)
    assert f"{b} not put in service: Rasa at {servers[1].url} answered 500 to PUT /model" in text
    assert f"{a} is still in service" in text


def test_a_wrong_token_changes_nothing(registry: Registry, project: Path, servers: list[FakeRasa]):
    a, b = two_models(registry, project)
    result = promote(registry, b, apis(servers, token="wrong"))
    assert result.code == 1 and registry.link_target() == a
    assert "answered 401 to GET /status" in result.lines[0]
    assert all(server.loads == [] for server in servers)


def test_no_server_running_switches_the_pointer_and_says_so(registry: Registry, project: Path):
    a, b = two_models(registry, project)
    nowhere = f"http://127.0.0.1:{free_port()}"
    result = promote(registry, b, [RasaApi((nowhere,), TOKEN)])
    assert result.code == 0 and registry.link_target() == b
    text = "\n".join(result.lines)
    assert f"Rasa at {nowhere} not reachable" in text
    assert f"a Rasa running there still serves {a}, and serves {b} from its next start" in text


def test_some_servers_unreachable_is_a_failure_with_the_pointer_switched(
        registry: Registry, project: Path, servers: list[FakeRasa]):
    _, b = two_models(registry, project)
    nowhere = f"http://127.0.0.1:{free_port()}"
    result = promote(registry, b, [RasaApi((servers[0].url, nowhere), TOKEN)])
    assert result.code == 1 and registry.link_target() == b
    assert servers[0].serving == f"{b}.tar.gz"


def test_promote_without_a_candidate_or_an_unknown_id_is_refused(registry: Registry, project: Path,
                                                                 servers: list[FakeRasa]):
    train(registry, project, runner=FakeRasaTrain())
    with pytest.raises(RegistryError, match="no candidate"):
        promote(registry, None, apis(servers))
    with pytest.raises(RegistryError, match="no model '20990101-000000-deadbeef'"):
        promote(registry, "20990101-000000-deadbeef", apis(servers))
    assert all(server.loads == [] for server in servers)
