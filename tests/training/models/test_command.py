"""`python -m bot model list|promote|rollback` on a registry of stand-in models (the pointer
only: --no-load), and the key figures `list` shows once a model is evaluated."""
from __future__ import annotations

from pathlib import Path

from bot.runtime.cli import main
from bot.training.models.registry import Registry
from tests.training.models.test_promotion import two_models


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_list_promote_and_rollback_from_the_command_line(registry: Registry, project: Path, capsys):
    a, b = two_models(registry, project)
    models = str(registry.root)
    code, text = run(capsys, "model", "list", "--models", models)
    assert code == 0
    first, second = text.splitlines()[:2]
    assert first.startswith(f"* {a}") and "in service" in first and "not evaluated" in first
    assert second.startswith(f"  {b}") and "candidate" in second
    assert f"current.tar.gz → {a}" in text

    code, text = run(capsys, "model", "promote", "--no-load", "--models", models)
    assert (code, registry.link_target()) == (0, b) and f"{b} in service (was {a})" in text
    code, text = run(capsys, "model", "rollback", "--no-load", "--models", models)
    assert (code, registry.link_target()) == (0, a) and f"{a} back in service (was {b})" in text
    code, text = run(capsys, "model", "rollback", "--no-load", "--models", models)
    assert code == 1 and "first model in service" in text
    code, text = run(capsys, "model", "promote", "20990101-000000-deadbeef", "--no-load", "--models", models)
    assert code == 1 and "no model '20990101-000000-deadbeef'" in text


def test_list_shows_the_key_figures_of_an_evaluated_model(registry: Registry, project: Path, capsys):
    a, _ = two_models(registry, project)
    model = registry.get(a)
    target = ">= 0.97"
    model.evaluation = {"figures": {
        "heldout.zh": {"group": "g", "label": "zh", "value": 0.981, "count": 100, "target": target},
        "heldout.en": {"group": "g", "label": "en", "value": 0.95, "count": 100, "target": target},
        "heldout.en.intent.greet": {"group": "g", "label": "en greet", "value": 0.5, "count": 2},
        "real.zh.in_scope": {"group": "g", "label": "zh", "value": 0.9, "count": 10},
        "out_of_scope.en (CLINC150)": {"group": "g", "label": "en", "value": 0.011, "count": 1000},
    }}
    registry.save(model)
    code, text = run(capsys, "model", "list", "--models", str(registry.root))
    assert code == 0
    line = text.splitlines()[0]
    assert "held-out zh 98.1% en 95.0% · in-scope zh 90.0% · false triggers en 1.1% · 1 target missed" in line
