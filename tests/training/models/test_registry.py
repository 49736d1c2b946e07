"""The model registry without Rasa: the data hash, the sidecars, training a candidate (with a
stand-in for `rasa train`), the first model going in service, promotions and rollbacks on the
pointer, and a models/current.tar.gz from before the registry adopted as it is."""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.training.models import inputs
from bot.training.models.adopt import adopt
from bot.training.models.registry import UNKNOWN, Model, Registry, RegistryError
from bot.training.models.train import train
from tests.training.models.conftest import FakeRasaTrain, write_archive

START = datetime(2026, 12, 4, 19, 56, 0, tzinfo=timezone.utc)


def clock(minutes: int):
    return lambda: START + timedelta(minutes=minutes)


def test_the_data_hash_depends_on_contents_only(project: Path, tmp_path: Path):
    first = inputs.training_inputs(project)
    assert set(first) == {"config.yml", "domain.yml", "products.yml", "data/nlu/en.yml",
                          "data/rules/rules.yml", "bot/rasa/nlu/tokenizer.py"}
    (project / "data/nlu/en.yml").touch()  # a newer time, the same bytes
    os.utime(project / "domain.yml", (0, 0))
    (project / "bot/rasa/nlu/__pycache__").mkdir()
    (project / "bot/rasa/nlu/__pycache__/tokenizer.cpython-310.pyc").write_bytes(b"\0")
    assert inputs.data_hash(inputs.training_inputs(project)) == inputs.data_hash(first)

    # The same files elsewhere (another clone): the same hash.
    clone = tmp_path / "clone"
    for path in first:
        (clone / path).parent.mkdir(parents=True, exist_ok=True)
        (clone / path).write_bytes((project / path).read_bytes())
    assert inputs.data_hash(inputs.training_inputs(clone)) == inputs.data_hash(first)

    (project / "data/nlu/en.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - hello\n")
    edited = inputs.training_inputs(project)
    assert inputs.data_hash(edited) != inputs.data_hash(first)
    assert inputs.changed(first, edited) == ["~ data/nlu/en.yml"]


def test_the_config_trained_with_is_an_input(project: Path):
    (project / "tests").mkdir()
    (project / "tests/config.yml").write_text("recipe: default.v1\nlanguage: zh\n# fewer epochs\n")
    production = inputs.training_inputs(project)
    quick = inputs.training_inputs(project, Path("tests/config.yml"))
    assert "tests/config.yml" in quick and "config.yml" not in quick
    assert inputs.data_hash(quick) != inputs.data_hash(production)


def test_the_first_model_goes_in_service_and_the_next_is_a_candidate(
        project: Path, registry: Registry, rasa_train: FakeRasaTrain):
    first = train(registry, project, runner=rasa_train, clock=clock(0))
    assert first.trained and "put in service" in first.message
    model = first.model
    assert model.id == f"20261204-195600-{model.data_hash[:8]}"
    assert registry.archive(model.id).exists()
    assert registry.link.is_symlink() and os.readlink(registry.link) == f"{model.id}.tar.gz"
    assert registry.link_target() == model.id and registry.status(model.id) == "in service"

    sidecar = json.loads(registry.sidecar(model.id).read_text())
    assert sidecar["data_hash"] == inputs.data_hash(inputs.training_inputs(project))
    assert sidecar["training"]["config"] == "config.yml" and sidecar["training"]["rasa_version"] == "3.6.21"
    assert sidecar["training"]["rasa_model_id"] and sidecar["model_sha256"]
    assert sidecar["evaluation"] is None
    command = rasa_train.commands[0]
    assert command[1:3] == ["train", "--skip-validation"]
    assert command[command.index("--fixed-model-name") + 1] == f"{model.id}.tar.gz"

    (project / "data/nlu/en.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - hello\n")
    second = train(registry, project, runner=rasa_train, clock=clock(10))
    assert second.trained and "candidate" in second.message
    assert registry.service().current == model.id  # a candidate is not in service
    assert registry.latest_candidate() == second.model
    assert registry.status(second.model.id) == "candidate"


def test_the_same_data_is_not_trained_again(project: Path, registry: Registry, rasa_train: FakeRasaTrain):
    first = train(registry, project, runner=rasa_train, clock=clock(0)).model
    again = train(registry, project, runner=rasa_train, clock=clock(5))
    assert not again.trained and again.model.id == first.id
    assert "nothing to train" in again.message and len(rasa_train.commands) == 1
    forced = train(registry, project, runner=rasa_train, clock=clock(6), force=True)
    assert forced.trained and forced.model.id != first.id and len(rasa_train.commands) == 2


def test_a_failed_training_registers_nothing(project: Path, registry: Registry):
    with pytest.raises(RegistryError, match="rasa train failed"):
        train(registry, project, runner=FakeRasaTrain(code=1), clock=clock(0))
    assert registry.models() == [] and not registry.link.exists()


def test_a_sidecar_keeps_its_evaluation(registry: Registry, project: Path, rasa_train: FakeRasaTrain):
    model = train(registry, project, runner=rasa_train, clock=clock(0)).model
    model.evaluation, model.evaluation_sets = {"format": 1, "figures": {}}, "sets-1"
    registry.save(model)
    assert registry.get(model.id) == model
    assert Model.from_json(model.to_json()) == model


def trained_three(registry: Registry, project: Path, rasa_train: FakeRasaTrain) -> list[str]:
    ids = []
    for minute, text in enumerate(("hi", "hello", "hey")):
        (project / "data/nlu/en.yml").write_text(f"nlu:\n- intent: greet\n  examples: |\n    - {text}\n")
        ids.append(train(registry, project, runner=rasa_train, clock=clock(minute * 10)).model.id)
    return ids


def test_promotions_and_rollbacks_keep_their_history(registry: Registry, project: Path,
                                                     rasa_train: FakeRasaTrain):
    a, b, c = trained_three(registry, project, rasa_train)
    assert [model.id for model in registry.candidates()] == [b, c]
    assert registry.put_in_service(c) == a  # promoting the latest skips none: b stays a candidate
    assert registry.put_in_service(b) == c
    assert registry.service().stack == [a, c, b] and registry.link_target() == b

    assert registry.take_back() == (b, c)
    assert registry.link_target() == c
    assert registry.take_back() == (c, a)
    with pytest.raises(RegistryError, match="first model in service"):
        registry.take_back()
    assert registry.link_target() == a

    log = registry.service().log
    assert [(entry["event"], entry["id"], entry.get("from")) for entry in log] == [
        ("first", a, None), ("promoted", c, a), ("promoted", b, c), ("rolled back", c, b),
        ("rolled back", a, c)]
    assert registry.candidates() == []  # both have been in service
    assert registry.status(b) == "was in service"


def test_a_failed_change_is_undone_in_the_pointer(registry: Registry, project: Path,
                                                  rasa_train: FakeRasaTrain):
    a, b, _ = trained_three(registry, project, rasa_train)
    before = registry.service()
    registry.put_in_service(b)
    registry.restore(before, "Rasa refused it")
    assert registry.service().stack == [a] and registry.link_target() == a
    assert registry.service().log[-1]["event"] == "undone: Rasa refused it"
    assert registry.status(b) == "was in service"  # its log entry stays: it was, for a moment


def test_unknown_ids_and_missing_archives_are_refused(registry: Registry, project: Path,
                                                      rasa_train: FakeRasaTrain):
    with pytest.raises(RegistryError, match="no model 'nope'"):
        registry.get("nope")
    with pytest.raises(RegistryError, match="nothing to roll back"):
        registry.take_back()
    a, b, _ = trained_three(registry, project, rasa_train)
    registry.archive(b).unlink()
    with pytest.raises(RegistryError, match="missing"):
        registry.put_in_service(b)
    assert registry.link_target() == a


def test_a_model_file_from_before_the_registry_is_adopted_in_service(project: Path, registry: Registry):
    legacy = write_archive(registry.link, "3dcfb9c80cd24fda8011d9f8461e85d2")  # newer than the data
    model = adopt(registry, project)
    assert model is not None and model.data_hash == inputs.data_hash(inputs.training_inputs(project))
    assert registry.link.is_symlink() and registry.link_target() == model.id
    assert registry.archive(model.id).read_bytes() == legacy.read_bytes()
    assert model.training["rasa_model_id"] == "3dcfb9c80cd24fda8011d9f8461e85d2"
    assert registry.service().log[0]["event"] == "adopted"
    assert adopt(registry, project) is None  # a link now: nothing more to adopt


def test_a_model_file_older_than_the_data_is_adopted_with_its_data_unknown(project: Path, registry: Registry):
    write_archive(registry.link)
    os.utime(registry.link, (0, 0))
    model = adopt(registry, project)
    assert model is not None and model.data_hash == UNKNOWN and model.inputs == {}
    outcome = train(registry, project, runner=FakeRasaTrain(), clock=clock(0))
    assert outcome.trained and registry.status(outcome.model.id) == "candidate"
