"""`python -m bot model list`: every registered model, oldest first, with its data hash, when it
was trained, its key figures (once evaluated) and whether it is in service, a candidate or was
in service; then what models/current.tar.gz links to and what each running Rasa serves."""
from __future__ import annotations

from typing import Any

from bot.rasa.evaluation.figures import Figure
from bot.runtime.rasa_api import RasaApi
from bot.training.models import live
from bot.training.models.registry import Model, Registry

LIST_STATUS_SECONDS = 3.0  # a server busy loading a model is reported as not reachable
KEY_FIGURES = (("heldout.", "held-out"), ("real.", "in-scope"), ("out_of_scope.", "false triggers"))


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def key_figures(evaluation: dict[str, Any] | None) -> str:
    """held-out zh 97.9% en 98.4% · in-scope … · false triggers … · targets: all met."""
    if not evaluation:
        return "not evaluated (`make evaluate`)"
    figures = [Figure.from_json(key, item) for key, item in evaluation.get("figures", {}).items()]
    parts = []
    for prefix, label in KEY_FIGURES:
        values = [f"{key_name(figure.key, prefix)} {percent(figure.value)}" for figure in figures
                  if figure.key.startswith(prefix) and is_key(figure.key, prefix)]
        if values:
            parts.append(f"{label} {' '.join(values)}")
    missed = [figure for figure in figures if figure.met is False]
    plural = "s" if len(missed) > 1 else ""
    parts.append(f"{len(missed)} target{plural} missed" if missed else "all targets met")
    return " · ".join(parts)


def is_key(key: str, prefix: str) -> bool:
    """heldout.zh, real.zh.in_scope, out_of_scope.en (CLINC150): not the per-intent figures."""
    rest = key.removeprefix(prefix)
    return rest.endswith(".in_scope") if prefix == "real." else "." not in rest


def key_name(key: str, prefix: str) -> str:
    return key.removeprefix(prefix).removesuffix(".in_scope").split(" ")[0]


def model_line(registry: Registry, model: Model, sets: str | None) -> str:
    status = registry.status(model.id)
    mark = "*" if status == "in service" else " "
    data = model.data_hash[:8] if model.data_hash else "unknown "
    stale = " (measured on other sets or judging code)" if (
        model.evaluation and sets is not None and model.evaluation_sets != sets) else ""
    missing = "" if registry.archive(model.id).exists() else "  ARCHIVE MISSING"
    return (f"{mark} {model.id:<26} {model.trained_at[:16].replace('T', ' '):<16}  data {data}  "
            f"{status:<14} {key_figures(model.evaluation)}{stale}{missing}")


def served_name(registry: Registry, served: live.Served) -> str:
    """The registered model a server reports, by its archive's name or Rasa's model id."""
    name = served.model_file.removesuffix(".tar.gz")
    if any(model.id == name for model in registry.models()):
        return name
    same = [model.id for model in registry.models()
            if served.model_id and model.training.get("rasa_model_id") == served.model_id]
    return f"{served.model_file} ({' or '.join(same) if same else 'not registered'})"


def rasa_lines(registry: Registry, apis: list[RasaApi]) -> list[str]:
    lines = []
    for api in apis:
        for url in api.urls:
            try:
                served = live.status(url, api.token, LIST_STATUS_SECONDS)
                lines.append(f"Rasa at {url} serves {served_name(registry, served)}")
            except (live.Unreachable, live.Refused) as error:
                lines.append(f"Rasa at {url} {error}")
    return lines


def listing(registry: Registry, apis: list[RasaApi], sets: str | None = None) -> list[str]:
    models = registry.models()
    if not models:
        return [f"no model registered in {registry.root}: `make model` trains the first"]
    lines = [model_line(registry, model, sets) for model in models]
    target = registry.link_target()
    lines.append("")
    lines.append(f"{registry.link} → {target}" if target else f"{registry.link} is no link to a model")
    return lines + rasa_lines(registry, apis)
