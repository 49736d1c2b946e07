"""A registered model's figures, measured once and kept in its sidecar: measured again only when
the evaluation sets or the code that judges them (JUDGING_CODE) changed, so
that two models compared were always measured the same way."""
from __future__ import annotations

import hashlib
import json
from dataclasses import astuple, replace
from pathlib import Path

from bot.rasa.evaluation.judging import text_key
from bot.rasa.evaluation.record import Record
from bot.rasa.evaluation.sets import all_sets, entity_cases
from bot.runtime.settings import PROJECT_ROOT
from bot.training.models.inputs import file_sha256
from bot.training.models.registry import Model, Registry

# What decides a figure (not how it is printed): parsing, judging, counting, targets, and the
# entity rules the entity cases measure.
JUDGING_CODE = (*(f"bot/rasa/evaluation/{name}.py" for name in (
    "sets", "parsing", "judging", "stats", "targets", "figures")), "bot/values")


def fingerprint(eval_dir: Path | None, root: Path = PROJECT_ROOT) -> str:
    """One hash of every set's examples, the entity cases and the judging code."""
    digest = hashlib.sha256()
    for evaluation_set in all_sets(eval_dir):
        examples = [astuple(example) for example in evaluation_set.examples]
        digest.update(json.dumps([evaluation_set.name, evaluation_set.rule, examples],
                                 ensure_ascii=False).encode())
    digest.update(json.dumps(entity_cases(), sort_keys=True, default=str, ensure_ascii=False).encode())
    for name in JUDGING_CODE:
        paths = [root / name] if name.endswith(".py") else sorted((root / name).rglob("*.py"))
        for path in paths:
            digest.update(f"{path.relative_to(root).as_posix()}\0{file_sha256(path)}\n".encode())
    return digest.hexdigest()


def with_texts(record: Record, eval_dir: Path | None) -> Record:
    """A record read back from a file keeps only each example's key: the texts again, from the
    sets, for the report's lists of false alarms, misses and changes."""
    texts = {text_key(example.text): example.text
             for evaluation_set in all_sets(eval_dir) for example in evaluation_set.examples}
    predictions = {name: [replace(item, text=texts.get(item.key, item.text)) for item in items]
                   for name, items in record.predictions.items()}
    return replace(record, predictions=predictions)


def shown(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def evaluated(registry: Registry, model: Model, eval_dir: Path | None, sets: str,
              again: bool = False) -> Record:
    """The model's record, from its sidecar when measured on these sets, else measured now and
    kept there."""
    if model.evaluation and model.evaluation_sets == sets and not again:
        return with_texts(Record.from_json(model.evaluation), eval_dir)
    from bot.rasa.evaluation.run import measure  # loads Rasa: only when there is a model to parse with

    archive = registry.archive(model.id)
    record = replace(measure(archive, eval_dir), model=shown(archive))
    model.evaluation, model.evaluation_sets = record.to_json(), sets
    registry.save(model)
    return record
