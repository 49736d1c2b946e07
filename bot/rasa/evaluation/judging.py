"""Whether a prediction is right: what the model said for one example, judged by its set's rule."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

from bot.rasa.evaluation.sets import NOT_DISTRESS, EvaluationSet

# The bot treats a low-confidence fallback like out_of_scope (CONTRACT §1).
NOT_TRIGGERED = frozenset({"out_of_scope", "nlu_fallback"})
DISTRESS = "distress"


@dataclass(frozen=True)
class Prediction:
    text: str  # empty when read back from a figures file, which keeps only `key`
    expected: str
    predicted: str
    ok: bool
    kind: str = ""
    label: str = ""
    key: str = ""  # a digest of the text: what figures files keep, and comparisons match on

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", text_key(self.text))

    def to_json(self) -> dict:
        # The text stays out: some sets are others' (../shared/eval) and are not copied here.
        kept = {key: value for key, value in asdict(self).items() if value != "" and key != "text"}
        return kept

    @classmethod
    def from_json(cls, item: dict) -> Prediction:
        return cls("", item.get("expected", ""), item["predicted"], bool(item["ok"]),
                   item.get("kind", ""), item.get("label", ""), item["key"])


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def correct(rule: str, expected: str, predicted: str) -> bool:
    if rule == NOT_DISTRESS:
        return predicted != DISTRESS
    return predicted == expected or (expected == "out_of_scope" and predicted in NOT_TRIGGERED)


def judge(evaluation_set: EvaluationSet, predicted: list[str]) -> list[Prediction]:
    """The set's examples with the model's intents, in order."""
    return [
        Prediction(example.text, example.expected, intent,
                   correct(evaluation_set.rule, example.expected, intent), example.kind, example.label)
        for example, intent in zip(evaluation_set.examples, predicted, strict=True)
    ]
