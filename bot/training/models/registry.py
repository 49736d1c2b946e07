"""The trained models in models/ and which one is in service.

- models/<id>.tar.gz, one trained model; the id is its training time (UTC) and the start of its
  data hash: 20261204-195619-3fa2c1d4, so ids sort by age.
- models/<id>.json, its sidecar: the hash of what it was trained on (bot/training/models/inputs.py),
  when and how it was trained and, once evaluated, its figures (the evaluation record).
- models/service.json, the pointer: a stack of the promotions still in force (the model in
  service last; a rollback takes the last off) and a log of every change.
- models/current.tar.gz, a link to the model in service: what `make run`, `python -m bot run`
  and a Rasa the supervisor restarts load, so a restart never brings back an older model.

A model that has never been in service is a candidate. Changes to the pointer hold a lock
file, so two commands at once cannot interleave their writes.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

FORMAT = 1
LINK = "current.tar.gz"
SERVICE = "service.json"
LOCK = ".registry.lock"
ID_PATTERN = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}(-\d+)?$")
UNKNOWN = ""  # the data hash of a model adopted without knowing what it was trained on


class RegistryError(Exception):
    """A registry operation that cannot be done; the message says why and what to do."""


@dataclass
class Model:
    id: str
    data_hash: str
    trained_at: str  # ISO 8601, UTC
    model_sha256: str
    inputs: dict[str, str] = field(default_factory=dict)  # input path → its SHA-256
    training: dict[str, Any] = field(default_factory=dict)  # how: config, seconds, Rasa's version and id
    evaluation: dict[str, Any] | None = None  # bot/rasa/evaluation/record.py's record, as JSON
    evaluation_sets: str = ""  # the fingerprint of the sets it was measured on

    @property
    def file_name(self) -> str:
        return f"{self.id}.tar.gz"

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "id": self.id, "file": self.file_name, "data_hash": self.data_hash,
                "trained_at": self.trained_at, "model_sha256": self.model_sha256,
                "training": self.training, "inputs": self.inputs,
                "evaluation_sets": self.evaluation_sets, "evaluation": self.evaluation}

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Model:
        if document.get("format") != FORMAT:
            raise ValueError(f"sidecar format {document.get('format')!r}, expected {FORMAT}")
        return cls(document["id"], document["data_hash"], document["trained_at"],
                   document["model_sha256"], dict(document.get("inputs") or {}),
                   dict(document.get("training") or {}), document.get("evaluation"),
                   document.get("evaluation_sets") or "")


@dataclass
class Service:
    stack: list[str] = field(default_factory=list)  # the model in service last
    log: list[dict[str, str]] = field(default_factory=list)  # {"at", "event", "id", "from"}

    @property
    def current(self) -> str | None:
        return self.stack[-1] if self.stack else None

    @property
    def previous(self) -> str | None:
        return self.stack[-2] if len(self.stack) > 1 else None

    def ever(self) -> set[str]:
        """Every model that has been in service."""
        return {entry["id"] for entry in self.log} | set(self.stack)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def model_id(data_hash: str, at: datetime) -> str:
    short = (data_hash or "0" * 8)[:8]
    return f"{at.astimezone(timezone.utc):%Y%m%d-%H%M%S}-{short}"


def write_json(path: Path, document: dict[str, Any]) -> None:
    """Written whole or not at all: a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)


class Registry:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def link(self) -> Path:
        return self.root / LINK

    def archive(self, model_id: str) -> Path:
        return self.root / f"{model_id}.tar.gz"

    def sidecar(self, model_id: str) -> Path:
        return self.root / f"{model_id}.json"

    # Models

    def models(self) -> list[Model]:
        """Every registered model (a sidecar with the id's name), oldest first."""
        if not self.root.is_dir():
            return []
        found = [self._read(path) for path in self.root.glob("*.json") if ID_PATTERN.match(path.stem)]
        return sorted(found, key=lambda model: model.id)

    def _read(self, path: Path) -> Model:
        try:
            return Model.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as error:
            raise RegistryError(f"{path} is not a model's sidecar: {error}") from None

    def get(self, model_id: str) -> Model:
        if not ID_PATTERN.match(model_id) or not self.sidecar(model_id).exists():
            known = ", ".join(model.id for model in self.models()[-5:]) or "none yet"
            raise RegistryError(f"no model {model_id!r} in {self.root} (the latest: {known}; "
                                f"`python -m bot model list` lists them all)")
        return self._read(self.sidecar(model_id))

    def with_data(self, data_hash: str) -> Model | None:
        """The newest model trained on exactly this data, if any."""
        same = [model for model in self.models() if data_hash and model.data_hash == data_hash]
        return same[-1] if same else None

    def save(self, model: Model) -> None:
        write_json(self.sidecar(model.id), model.to_json())

    def new_id(self, data_hash: str, at: datetime) -> str:
        """A fresh id (suffixed in the unlikely case two are trained within a second)."""
        base = candidate = model_id(data_hash, at)
        count = 1
        while self.sidecar(candidate).exists() or self.archive(candidate).exists():
            count += 1
            candidate = f"{base}-{count}"
        return candidate

    # The model in service

    def service(self) -> Service:
        path = self.root / SERVICE
        if not path.exists():
            return Service()
        document = json.loads(path.read_text(encoding="utf-8"))
        return Service(list(document.get("stack", [])), list(document.get("log", [])))

    def in_service(self) -> Model | None:
        current = self.service().current
        return None if current is None else self.get(current)

    def status(self, model_id: str) -> str:
        """"in service", "candidate" (never in service) or "was in service"."""
        service = self.service()
        if service.current == model_id:
            return "in service"
        return "was in service" if model_id in service.ever() else "candidate"

    def candidates(self) -> list[Model]:
        """The models never in service, oldest first."""
        ever = self.service().ever()
        return [model for model in self.models() if model.id not in ever]

    def latest_candidate(self) -> Model | None:
        candidates = self.candidates()
        return candidates[-1] if candidates else None

    @contextmanager
    def locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / LOCK).open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def put_in_service(self, model_id: str, event: str = "promoted") -> str | None:
        """Makes the model the one in service (pushed on the stack); returns the one before."""
        if not self.archive(model_id).exists():
            raise RegistryError(f"{self.archive(model_id)} is missing: model {model_id} cannot go in service")
        self.get(model_id)
        service = self.service()
        before = service.current
        service.stack.append(model_id)
        self._switch(service, event, model_id, before)
        return before

    def take_back(self) -> tuple[str, str]:
        """Puts the model before back in service (the last promotion taken off the stack);
        returns (the model taken out, the model back in service)."""
        service = self.service()
        if service.current is None:
            raise RegistryError("no model is in service: nothing to roll back")
        if service.previous is None:
            raise RegistryError(f"{service.current} is the first model in service: there is none "
                                "before it to roll back to")
        if not self.archive(service.previous).exists():
            raise RegistryError(f"{self.archive(service.previous)} is missing: cannot roll back to it")
        out = service.stack.pop()
        self._switch(service, "rolled back", service.stack[-1], out)
        return out, service.stack[-1]

    def restore(self, before: Service, reason: str) -> None:
        """The pointer as it was before a change that failed, with the failure in the log."""
        now = self.service()
        self._switch(Service(list(before.stack), now.log), f"undone: {reason}", before.current or "",
                     now.current)
        if before.current is None:
            self.link.unlink(missing_ok=True)

    def _switch(self, service: Service, event: str, model_id: str, before: str | None) -> None:
        entry = {"at": now_utc().isoformat(timespec="seconds"), "event": event, "id": model_id}
        if before:
            entry["from"] = before
        service.log.append(entry)
        write_json(self.root / SERVICE, {"format": FORMAT, "stack": service.stack, "log": service.log})
        if service.current is not None:
            self.relink(service.current)

    def relink(self, model_id: str) -> None:
        """Points models/current.tar.gz at the model, in one step (a reader sees one or the other)."""
        temporary = self.root / f".{LINK}.tmp"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(self.archive(model_id).name)  # relative: the folder may move
        os.replace(temporary, self.link)

    def link_target(self) -> str | None:
        """The model models/current.tar.gz links to; None when it is no link (or is missing)."""
        if not self.link.is_symlink():
            return None
        name = Path(os.readlink(self.link)).name
        return name.removesuffix(".tar.gz")
