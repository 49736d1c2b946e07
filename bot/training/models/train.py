"""`make model` (`python -m bot model train`): one `rasa train` into models/<id>.tar.gz,
registered as a candidate, unless a model was already trained on exactly this data. The first
model of a registry goes in service at once, so that `make model && make run` work on a fresh
clone as they always have; after that a model goes in service only when promoted."""
from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.training.models.archive import facts
from bot.training.models.inputs import data_hash, training_inputs
from bot.training.models.registry import Model, Registry, RegistryError, now_utc

# (the command to run, the project root to run it in) → its exit code
Runner = Callable[[list[str], Path], int]


@dataclass(frozen=True)
class Outcome:
    model: Model
    trained: bool  # False: a model trained on this data was there already
    message: str


def rasa_command(config: Path, out: Path, model_id: str) -> list[str]:
    """As the Makefile always ran it: the data are checked by `make validate`, so training skips
    Rasa's own second pass over them (20 s of the five-minute budget)."""
    rasa = str(Path(sys.executable).parent / "rasa")
    return [rasa, "train", "--skip-validation", "--config", str(config), "--domain", "domain.yml",
            "--data", "data", "--out", str(out), "--fixed-model-name", f"{model_id}.tar.gz"]


def run_rasa(command: list[str], root: Path) -> int:
    return subprocess.run(command, cwd=root, check=False).returncode


def already_trained(registry: Registry, model: Model) -> str:
    status = registry.status(model.id)
    if status == "in service":
        return f"model {model.id}, in service, was trained on this data: nothing to train"
    if status == "candidate":
        return (f"candidate {model.id} was trained on this data: nothing to train "
                "(`make evaluate` compares it, `python -m bot model promote` puts it in service)")
    return (f"model {model.id} was trained on this data and has been in service: nothing to train "
            f"(`python -m bot model promote {model.id}` puts it back)")


def train(registry: Registry, root: Path, config: Path = Path("config.yml"), *, force: bool = False,
          runner: Runner = run_rasa, clock: Callable[[], datetime] = now_utc) -> Outcome:
    inputs = training_inputs(root, config)
    hashed = data_hash(inputs)
    existing = registry.with_data(hashed)
    if existing is not None and not force and registry.archive(existing.id).exists():
        return Outcome(existing, False, already_trained(registry, existing))
    registry.root.mkdir(parents=True, exist_ok=True)
    started_at, started = clock(), time.monotonic()
    model_id = registry.new_id(hashed, started_at)
    command = rasa_command(config, registry.root, model_id)
    code = runner(command, root)
    archive = registry.archive(model_id)
    if code != 0 or not archive.exists():
        archive.unlink(missing_ok=True)
        raise RegistryError(f"rasa train failed (exit code {code}): no model registered")
    seconds = time.monotonic() - started
    found = facts(archive)
    model = Model(model_id, hashed, started_at.isoformat(timespec="seconds"), found.sha256, inputs, {
        "config": config.as_posix(), "command": " ".join(["rasa", *command[1:]]),
        "seconds": round(seconds, 1), "rasa_version": found.rasa_version,
        "rasa_model_id": found.rasa_model_id})
    with registry.locked():
        registry.save(model)
        if registry.service().current is None or not registry.link.exists():
            registry.put_in_service(model_id, "first")
            return Outcome(model, True, f"model {model_id} trained in {minutes(seconds)} and put in "
                                        f"service, the first ({registry.link} links to it)")
    in_service = registry.service().current
    return Outcome(model, True, f"candidate {model_id} trained in {minutes(seconds)}; the model in "
                                f"service is still {in_service}: `make evaluate` compares them, "
                                "`python -m bot model promote` puts the candidate in service")


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
