"""`python -m bot model promote [ID]` and `python -m bot model rollback`: the pointer switched
(models/service.json, and models/current.tar.gz linked to the model), then the model loaded
into each running Rasa server through its HTTP API, one server after another, so that while one
loads the others answer (bot/training/models/live.py says what a load does to messages).

The servers are those the running `make run` published (bot/runtime/rasa_api.py) for this
registry's link; with none, those of the settings (RASA_URLS or RASA_URL, and RASA_TOKEN).

When a server cannot take the model:
- it answered with an error (its token refused, the model failed to load): the change is
  undone, the pointer back and the servers that had loaded the new model given the old one
  again, and the command exits 1: the old model is in service and served;
- it did not answer (not running, most likely): the pointer stays switched and the message
  says that a server running there still serves the old model, and the new one from its next
  start; exit 0 when no server answered at all (nothing running), else 1.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus

from bot.runtime.rasa_api import RasaApi
from bot.training.models import live
from bot.training.models.registry import Registry, RegistryError, Service


@dataclass
class Loads:
    loaded: list[tuple[str, str]] = field(default_factory=list)  # (url, token) that took the model
    lines: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    refused: str = ""  # why a server refused it; "" none did


@dataclass(frozen=True)
class Result:
    lines: list[str]
    code: int


def load_into(registry: Registry, model_id: str, apis: list[RasaApi], loads: Loads) -> None:
    """Loads the model into each server in turn, stopping at the first that refuses it."""
    archive = registry.archive(model_id)
    for api in apis:
        for url in api.urls:
            try:
                if _serves(url, api.token, archive.name):
                    loads.lines.append(f"Rasa at {url} already serves {model_id}")
                    continue
                started = time.monotonic()
                live.load(url, api.token, archive)
                served = live.status(url, api.token)
            except live.Unreachable as error:
                loads.unreachable.append(url)
                loads.lines.append(f"Rasa at {url} {error}")
                continue
            except live.Refused as error:
                loads.refused = f"Rasa at {url} {error}"
                return
            if served.model_file != archive.name:
                loads.refused = f"Rasa at {url} still serves {served.model_file} after the load"
                return
            loads.loaded.append((url, api.token))
            loads.lines.append(f"Rasa at {url} loaded {model_id} in {time.monotonic() - started:.1f} s "
                               f"(model_id {served.model_id})")
        if api.workers > 1:
            loads.lines.append(f"these servers each run {api.workers} Sanic workers and a load reaches "
                               f"one of them: restart `make run` for every worker to serve {model_id}")


def _serves(url: str, token: str, file_name: str) -> bool:
    try:
        return live.status(url, token).model_file == file_name
    except live.Refused as error:
        if error.status == HTTPStatus.CONFLICT:
            return False  # no model loaded at all (Rasa's 409): loading one is what it needs
        raise


def switch(registry: Registry, change: Callable[[], tuple[str | None, str]], verb: str,
           apis: list[RasaApi]) -> Result:
    """change() switches the pointer and returns (the model before, the model now in service)."""
    with registry.locked():
        before = registry.service()
        old, new = change()
        loads = Loads()
        load_into(registry, new, apis, loads)
        if loads.refused:
            return undo(registry, before, old, new, loads)
    done = f"{new} was in service already" if old == new else f"{new} {verb} (was {old or 'none'})"
    lines = [f"{done}: {registry.link} links to it", *loads.lines]
    reached = len(loads.unreachable) < sum(len(api.urls) for api in apis)
    if loads.unreachable:
        lines.append(f"not reached: {', '.join(loads.unreachable)}; a Rasa running there still serves "
                     f"{old or 'its model'}, and serves {new} from its next start")
    return Result(lines, 1 if loads.unreachable and reached else 0)


def undo(registry: Registry, before: Service, old: str | None, new: str, loads: Loads) -> Result:
    registry.restore(before, loads.refused)
    lines = [f"{new} not put in service: {loads.refused}"]
    for url, token in loads.loaded:  # these took the new model: the old one back
        if old is None:
            lines.append(f"Rasa at {url} serves {new}, and there is no model before it to load again")
            continue
        try:
            live.load(url, token, registry.archive(old))
            lines.append(f"Rasa at {url} serves {old} again")
        except (live.Unreachable, live.Refused) as error:
            lines.append(f"Rasa at {url} still serves {new}: loading {old} again failed ({error})")
    lines.append(f"{old or 'no model'} is still in service ({registry.link} links to it)")
    return Result(lines, 1)


def promote(registry: Registry, model_id: str | None, apis: list[RasaApi]) -> Result:
    """Puts the model (default: the latest candidate) in service, and loads it."""
    if model_id is None:
        candidate = registry.latest_candidate()
        if candidate is None:
            raise RegistryError("no candidate (every registered model has been in service): name the "
                                "model to promote, from `python -m bot model list`")
        model_id = candidate.id
    registry.get(model_id)
    target = model_id

    def change() -> tuple[str | None, str]:
        current = registry.service().current
        if current == target:
            return current, target  # in service already: only make sure the servers serve it
        return registry.put_in_service(target), target

    return switch(registry, change, "in service", apis)


def rollback(registry: Registry, apis: list[RasaApi]) -> Result:
    """Puts the model in service before the last promotion back, and loads it."""

    def change() -> tuple[str | None, str]:
        out, back = registry.take_back()
        return out, back

    return switch(registry, change, "back in service", apis)
