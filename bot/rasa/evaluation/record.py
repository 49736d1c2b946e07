"""The figures file: every figure of one evaluation and every example's prediction, as JSON next to
the model (models/current.tar.gz → models/current.figures.json), so that the next evaluation can
show what changed."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from bot.rasa.evaluation.figures import Figure, Predictions
from bot.rasa.evaluation.judging import Prediction

FORMAT = 1
PREVIOUS = "previous.figures.json"  # where the figures of the model before are kept


@dataclass
class Record:
    model: str
    model_sha256: str
    measured_at: str  # ISO 8601
    figures: list[Figure]
    predictions: Predictions = field(default_factory=dict)

    def figure(self, key: str) -> Figure | None:
        return next((figure for figure in self.figures if figure.key == key), None)

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "model": self.model,
            "model_sha256": self.model_sha256,
            "measured_at": self.measured_at,
            "figures": {figure.key: figure.to_json() for figure in self.figures},
            "predictions": {name: [item.to_json() for item in items]
                            for name, items in self.predictions.items()},
        }

    @classmethod
    def from_json(cls, document: dict) -> Record:
        if document.get("format") != FORMAT:
            raise ValueError(f"figures file format {document.get('format')!r}, expected {FORMAT}")
        figures = [Figure.from_json(key, item) for key, item in document["figures"].items()]
        predictions = {name: [Prediction.from_json(item) for item in items]
                       for name, items in document.get("predictions", {}).items()}
        return cls(document["model"], document["model_sha256"], document["measured_at"], figures,
                   predictions)


def figures_path(model: Path) -> Path:
    """models/current.tar.gz → models/current.figures.json."""
    name = model.name.removesuffix(".gz").removesuffix(".tar")
    return model.with_name(f"{name}.figures.json")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write(record: Record, path: Path) -> None:
    path.write_text(dumps(record.to_json()), encoding="utf-8")


def dumps(document: dict) -> str:
    """JSON with one figure and one prediction a line: readable, and small enough to commit."""
    lines = ["{"]
    for position, (key, value) in enumerate(document.items()):
        comma = "," if position < len(document) - 1 else ""
        lines.append(f" {json.dumps(key)}: {nested(value)}{comma}")
    return "\n".join([*lines, "}"]) + "\n"


def nested(value: object) -> str:
    """A value two levels deep: a dict of dicts or of lists is laid out one entry a line."""
    if isinstance(value, dict) and value:
        entries = [f"  {json.dumps(key)}: {listed(item)}" for key, item in value.items()]
        return "{\n" + ",\n".join(entries) + "\n }"
    return json.dumps(value, ensure_ascii=False)


def listed(value: object) -> str:
    if isinstance(value, list) and value:
        return "[\n" + ",\n".join(f"   {json.dumps(item, ensure_ascii=False)}" for item in value) + "\n  ]"
    return json.dumps(value, ensure_ascii=False)


def read(path: Path) -> Record:
    return Record.from_json(json.loads(path.read_text(encoding="utf-8")))


def keep_previous(path: Path, model_sha256: str) -> None:
    """Before a new model's figures are written over another model's, keep those as
    previous.figures.json beside them (figures of the same model are simply replaced)."""
    if not path.exists():
        return
    try:
        older = read(path)
    except (ValueError, KeyError, json.JSONDecodeError):
        return
    if older.model_sha256 != model_sha256:
        path.replace(path.with_name(PREVIOUS))


def previous_path(model: Path, baseline: Path) -> Path | None:
    """The figures to compare with by default: the model before's, else the committed baseline."""
    for candidate in (model.parent / PREVIOUS, baseline):
        if candidate.exists():
            return candidate
    return None
