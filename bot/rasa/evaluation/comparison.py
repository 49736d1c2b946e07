"""What got better or worse since a previous evaluation: each figure beside its previous value, and
the examples that became right or wrong."""
from __future__ import annotations

from dataclasses import dataclass

from bot.rasa.evaluation.figures import Figure, Predictions
from bot.rasa.evaluation.judging import Prediction
from bot.rasa.evaluation.record import Record


@dataclass(frozen=True)
class Change:
    set_name: str
    text: str
    expected: str
    before: str  # the previous prediction
    now: str


@dataclass(frozen=True)
class Changes:
    became_right: list[Change]
    became_wrong: list[Change]


def previous_value(previous: Record | None, figure: Figure) -> float | None:
    """The same figure in the previous record, when it was measured there."""
    if previous is None:
        return None
    older = previous.figure(figure.key)
    return None if older is None else older.value


def by_example(predictions: list[Prediction]) -> dict[tuple[str, str], Prediction]:
    return {(item.key, item.expected): item for item in predictions}


def set_changes(name: str, before: list[Prediction], now: list[Prediction]) -> Changes:
    """The examples of one set that both evaluations judged, whose verdict changed."""
    older = by_example(before)
    right: list[Change] = []
    wrong: list[Change] = []
    for item in now:
        was = older.get((item.key, item.expected))
        if was is None or was.ok == item.ok:
            continue
        change = Change(name, item.text, item.expected, was.predicted, item.predicted)
        (right if item.ok else wrong).append(change)
    return Changes(right, wrong)


def changes(previous: Predictions, current: Predictions) -> dict[str, Changes]:
    """Set name → its changes, for the sets in both (in the current order)."""
    return {
        name: set_changes(name, previous[name], items)
        for name, items in current.items()
        if name in previous
    }
