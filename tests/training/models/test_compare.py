"""`make evaluate` on a registry of stand-in models (the measuring replaced): the candidate
beside the model in service, figure by figure, with the examples that became right or wrong;
without a candidate, the model in service as `python -m bot evaluate` reports it."""
from __future__ import annotations

from pathlib import Path

from bot.rasa.evaluation import run
from bot.rasa.evaluation.figures import HELDOUT, Figure
from bot.rasa.evaluation.judging import Prediction
from bot.rasa.evaluation.record import Record
from bot.rasa.evaluation.sets import heldout_set
from bot.rasa.evaluation.targets import Target
from bot.training.models import compare as comparing
from bot.training.models.registry import Registry
from tests.training.models.test_promotion import two_models


def figures_of(model_path: Path, right: bool) -> Record:
    """The model gets the first held-out example right, or wrong."""
    example = heldout_set("en").examples[0]
    predicted = example.expected if right else "nlu_fallback"
    return Record(str(model_path), "sha-" + model_path.name, "2026-12-04T12:00:00+00:00",
                  [Figure("heldout.en", HELDOUT, "en held-out", 1.0 if right else 0.0, 1, int(right),
                          target=Target(">=", 0.97))],
                  {"heldout en": [Prediction(example.text, example.expected, predicted, right)]})


def test_the_candidate_beside_the_model_in_service(registry: Registry, project: Path, monkeypatch, capsys):
    a, b = two_models(registry, project)
    monkeypatch.setattr(run, "measure", lambda path, eval_dir: figures_of(path, right=a in path.name))
    code = comparing.compare(registry)
    text = capsys.readouterr().out
    assert code == run.TARGETS_MISSED  # the candidate misses the held-out target
    assert f"candidate {b}" in text and f"against the model in service {a}" in text
    assert "inputs changed since the model in service: ~ data/nlu/en.yml" in text
    assert "each figure: in service → candidate (change)" in text
    assert "1.000 → 0.000 (-1.000)" in text
    assert "became wrong (1):" in text and heldout_set("en").examples[0].text in text
    assert f"python -m bot model promote {b}" in text
    assert registry.get(a).evaluation and registry.get(b).evaluation  # kept in both sidecars


def test_without_a_candidate_the_model_in_service_is_evaluated_as_before(
        registry: Registry, project: Path, monkeypatch, capsys):
    a, b = two_models(registry, project)
    registry.put_in_service(b)
    monkeypatch.setattr(run, "measure", lambda path, eval_dir: figures_of(path, right=True))
    seen = []
    monkeypatch.setattr(comparing, "evaluate", lambda model, eval_dir, compare, measured: seen.append(
        (model, measured.model)) or 0)
    assert comparing.compare(registry) == 0
    assert seen == [(registry.link, f"{registry.archive(b)}")]
    assert f"no candidate: the model in service, {b}" in capsys.readouterr().out
    assert registry.get(b).evaluation is not None  # measured and kept
