"""Counting over predictions: shares, accuracy per intent, confusions, percentiles. Pure functions."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from bot.rasa.evaluation.judging import DISTRESS, NOT_TRIGGERED, Prediction

Share = tuple[int, int]  # (hits, count)


def share(predictions: Iterable[Prediction], hit: Callable[[Prediction], bool]) -> Share:
    items = list(predictions)
    return sum(1 for item in items if hit(item)), len(items)


def right(predictions: Iterable[Prediction]) -> Share:
    return share(predictions, lambda item: item.ok)


def in_scope(predictions: Iterable[Prediction]) -> list[Prediction]:
    """The examples whose intent is not out_of_scope (nlu_fallback is wrong for them)."""
    return [item for item in predictions if item.expected != "out_of_scope"]


def of_kind(predictions: Iterable[Prediction], kind: str) -> list[Prediction]:
    return [item for item in predictions if item.kind == kind]


def rejected(predictions: Iterable[Prediction]) -> Share:
    """Predicted out_of_scope or nlu_fallback: kept out, as a hard negative should be."""
    return share(predictions, lambda item: item.predicted in NOT_TRIGGERED)


def taken_for(predictions: Iterable[Prediction]) -> Counter[str]:
    """What the examples that were not kept out were taken for."""
    return Counter(item.predicted for item in predictions if item.predicted not in NOT_TRIGGERED)


def predicted_as(predictions: Iterable[Prediction], intent: str = DISTRESS) -> Share:
    return share(predictions, lambda item: item.predicted == intent)


def per_intent(predictions: Iterable[Prediction]) -> dict[str, Share]:
    """Expected intent → (right, count), the most frequent intent first."""
    hits: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for item in predictions:
        counts[item.expected] += 1
        hits[item.expected] += item.ok
    return {intent: (hits[intent], count) for intent, count in sorted(counts.items(), key=by_count)}


def by_count(entry: tuple[str, int]) -> tuple[int, str]:
    return -entry[1], entry[0]


def confusions(predictions: Iterable[Prediction]) -> Counter[str]:
    """"expected → predicted" for every wrong prediction."""
    return Counter(f"{item.expected} → {item.predicted}" for item in predictions if not item.ok)


def wrong(predictions: Iterable[Prediction]) -> list[Prediction]:
    return [item for item in predictions if not item.ok]


def percentile(values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile (p50 of 1, 2, 3, 4 is 2); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]
