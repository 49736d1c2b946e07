"""`make evaluate` (`python -m bot model compare [ID]`): the candidate (default: the latest)
and the model in service, measured on the same sets (bot/rasa/evaluation: the held-out split,
the real-source sets, the distress sets, the out-of-scope sets, the entity cases), printed side
by side — each figure per language and per intent as "in service → candidate (change)" — with
the examples that became right and those that became wrong. Each model's figures are kept in
its sidecar (bot/training/models/measured.py). Without a candidate, the model in service is
evaluated as `python -m bot evaluate` does, beside the figures of the model before it.
Exit code: 0, or 3 when the candidate (else the model in service) misses a target."""
from __future__ import annotations

from pathlib import Path

from bot.rasa.evaluation.comparison import changes
from bot.rasa.evaluation.figures import missed
from bot.rasa.evaluation.report import report
from bot.rasa.evaluation.run import TARGETS_MISSED, evaluate, resolved_eval_dir
from bot.training.models.inputs import changed
from bot.training.models.measured import evaluated, fingerprint
from bot.training.models.registry import Model, Registry, RegistryError

CHANGED_INPUTS_SHOWN = 12


def data_lines(service: Model, candidate: Model) -> list[str]:
    if not (service.inputs and candidate.inputs):
        return ["what the data were for one of them is unknown (an adopted model)"]
    differences = changed(service.inputs, candidate.inputs)
    if not differences:
        return ["trained on the same data"]
    shown = differences[:CHANGED_INPUTS_SHOWN]
    more = len(differences) - len(shown)
    return [f"inputs changed since the model in service: {', '.join(shown)}"
            + (f" and {more} more" if more > 0 else "")]


def compare(registry: Registry, eval_dir: Path | None = None, candidate_id: str | None = None,
            again: bool = False) -> int:
    service = registry.in_service()
    if service is None:
        raise RegistryError("no model in service: `make model` trains the first")
    candidate = registry.get(candidate_id) if candidate_id else registry.latest_candidate()
    sets_dir = resolved_eval_dir(eval_dir)
    sets = fingerprint(sets_dir)
    if candidate is None or candidate.id == service.id:
        print(f"no candidate: the model in service, {service.id}, beside the figures before it")
        record = evaluated(registry, service, sets_dir, sets, again)
        return evaluate(registry.link, eval_dir, None, measured=record)
    before = evaluated(registry, service, sets_dir, sets, again)
    after = evaluated(registry, candidate, sets_dir, sets, again)
    print(f"candidate {candidate.id} (trained {candidate.trained_at}) against the model in service "
          f"{service.id} (trained {service.trained_at})")
    print("\n".join(data_lines(service, candidate)))
    print("each figure: in service → candidate (change)")
    print(report(after, before, f"the model in service, {service.id}",
                 changes(before.predictions, after.predictions)))
    print(f"\nput it in service: python -m bot model promote {candidate.id}   "
          "(and back: python -m bot model rollback)")
    return TARGETS_MISSED if missed(after.figures) else 0
