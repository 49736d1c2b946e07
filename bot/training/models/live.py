"""Rasa's HTTP API, to load a model into a running server without restarting it: PUT /model with
{"model_file": path} and the token, and GET /status for the model it serves (model_file, the
archive's name, and model_id, Rasa's id of the model).

Rasa 3.6 loads the model inside its one event loop: for the seconds the load takes (3.5 s for the
full model and for the test model, measured on this project's two cores) it answers nothing.
Messages that arrive meanwhile wait in the listening socket's queue and are answered, by the new
model, once it is loaded; one being handled when the load starts finishes with the old model, and
conversations carry on (the trackers are in the SQL tracker store, the lock store is kept). A
model that fails to load leaves the old one serving: Rasa answers 400 or 500."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

STATUS_SECONDS = 10.0
LOAD_SECONDS = 300.0  # a load blocks the server: give it time rather than guess it failed


class Unreachable(Exception):
    """No answer from the server: not running, not listening there, or too slow."""


class Refused(Exception):
    """The server answered with an error: it still serves the model it had."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Served:
    model_file: str
    model_id: str


def _request(method: str, url: str, token: str, body: dict | None, timeout: float) -> bytes:
    data = None if body is None else json.dumps(body).encode()
    if not url.startswith(("http://", "https://")):
        raise Unreachable(f"not reachable (not an http URL: {url!r})")
    request = urllib.request.Request(f"{url}?{urlencode({'token': token})}", data=data,  # noqa: S310 - http(s)
                                     method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - likewise
            return answer.read()
    except urllib.error.HTTPError as error:
        path = "/" + url.split("/", 3)[-1]
        raise Refused(f"answered {error.code} to {method} {path}: {_reason(error.read())}",
                      error.code) from None
    except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
        raise Unreachable(f"not reachable ({getattr(error, 'reason', error)})") from None


def _reason(body: bytes) -> str:
    try:
        document = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")[:200]
    return str(document.get("message") or document.get("reason") or document)[:300]


def status(base_url: str, token: str, timeout: float = STATUS_SECONDS) -> Served:
    document = json.loads(_request("GET", f"{base_url}/status", token, None, timeout) or b"{}")
    return Served(str(document.get("model_file") or ""), str(document.get("model_id") or ""))


def load(base_url: str, token: str, model: Path, timeout: float = LOAD_SECONDS) -> None:
    """Returns once the server serves the model (Rasa answers 204 when the load is done)."""
    _request("PUT", f"{base_url}/model", token, {"model_file": str(model.resolve())}, timeout)
