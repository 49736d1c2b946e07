"""A model's figures are measured once and kept in its sidecar: read back (with the examples'
texts again) while the sets and the judging code are the same, measured again otherwise."""
from __future__ import annotations

from pathlib import Path

from bot.rasa.evaluation import run
from bot.rasa.evaluation.figures import Figure
from bot.rasa.evaluation.judging import Prediction
from bot.rasa.evaluation.record import Record
from bot.rasa.evaluation.sets import heldout_set
from bot.training.models import measured
from bot.training.models.registry import Registry
from bot.training.models.train import train
from tests.training.models.conftest import FakeRasaTrain


def a_record(path: Path) -> Record:
    example = heldout_set("en").examples[0]
    return Record(str(path), "sha", "2026-12-04T12:00:00+00:00",
                  [Figure("heldout.en", "g", "en", 1.0, 1, 1)],
                  {"heldout en": [Prediction(example.text, example.expected, example.expected, True)]})


def test_the_fingerprint_is_stable_and_covers_the_judging_code():
    assert measured.fingerprint(None) == measured.fingerprint(None)
    assert all(path.startswith("bot/") for path in measured.JUDGING_CODE)


def test_figures_kept_in_the_sidecar_are_not_measured_again(registry: Registry, project: Path, monkeypatch):
    model = train(registry, project, runner=FakeRasaTrain()).model
    calls = []

    def measure(path: Path, eval_dir: Path | None) -> Record:
        calls.append(path)
        return a_record(path)

    monkeypatch.setattr(run, "measure", measure)
    first = measured.evaluated(registry, model, None, "sets-1")
    assert calls == [registry.archive(model.id)]
    kept = registry.get(model.id)
    assert kept.evaluation_sets == "sets-1" and kept.evaluation is not None
    assert "text" not in kept.evaluation["predictions"]["heldout en"][0]  # only the key is kept

    again = measured.evaluated(registry, kept, None, "sets-1")
    assert len(calls) == 1
    assert again.predictions["heldout en"][0].text == first.predictions["heldout en"][0].text != ""

    measured.evaluated(registry, kept, None, "sets-2")  # other sets: measured again
    measured.evaluated(registry, registry.get(model.id), None, "sets-2", again=True)
    assert len(calls) == 3


def test_with_texts_leaves_unknown_keys_alone():
    unknown = Prediction("", "greet", "greet", True, key="0" * 16)
    record = Record("m", "sha", "t", [], {"heldout en": [unknown]})
    assert measured.with_texts(record, None).predictions["heldout en"][0].text == ""
