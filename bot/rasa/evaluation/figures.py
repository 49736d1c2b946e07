"""Every figure `make evaluate` reports, computed from the predictions: one Figure each, with the
block of the report it belongs to and its target where it has one."""
from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bot.rasa.evaluation import stats, targets
from bot.rasa.evaluation.judging import Prediction
from bot.rasa.evaluation.targets import Target

Predictions = dict[str, list[Prediction]]  # set name → its predictions
EntityJudgements = dict[str, dict[tuple[str, str], tuple[int, int]]]  # set → (entity, lang) → share

HELDOUT = "held-out split: intent accuracy"
HELDOUT_PER_INTENT = "held-out split: accuracy per intent"
IN_SCOPE = "real-source sets: in-scope intent accuracy"
PER_INTENT = "real-source sets: accuracy per intent"
HARD_NEGATIVES = "real-source sets: hard negatives kept out (out_of_scope or nlu_fallback)"
DISTRESS = "distress"
OUT_OF_SCOPE = "out-of-scope sets: false triggers (any intent but out_of_scope or nlu_fallback)"
ENTITIES = "entity normalisation accuracy"
PARSE = "parse time per message"
GROUPS = (HELDOUT, HELDOUT_PER_INTENT, IN_SCOPE, PER_INTENT, HARD_NEGATIVES, DISTRESS, OUT_OF_SCOPE,
          ENTITIES, PARSE)


@dataclass(frozen=True)
class Figure:
    key: str  # its stable name in the figures file: "real.zh.in_scope"
    group: str  # one of GROUPS
    label: str
    value: float
    count: int  # examples (or parses) it was measured on
    hits: int | None = None  # the numerator of a share
    unit: str = ""  # "" a share, "%" a share shown in percent, "ms"
    target: Target | None = None

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.met(self.value)

    def to_json(self) -> dict:
        item: dict = {"group": self.group, "label": self.label, "value": self.value, "count": self.count}
        if self.hits is not None:
            item["hits"] = self.hits
        if self.unit:
            item["unit"] = self.unit
        if self.target is not None:
            item["target"] = self.target.to_json()
        return item

    @classmethod
    def from_json(cls, key: str, item: dict) -> Figure:
        target = Target.from_json(item["target"]) if item.get("target") else None
        return cls(key, item["group"], item["label"], float(item["value"]), int(item["count"]),
                   item.get("hits"), item.get("unit", ""), target)


def share_figure(key: str, group: str, label: str, hits_count: stats.Share, unit: str = "",
                 target: Target | None = None) -> list[Figure]:
    """A one-figure list, or none when there was nothing to count."""
    hits, count = hits_count
    return [Figure(key, group, label, hits / count, count, hits, unit, target)] if count else []


def languages(predictions: Predictions, prefix: str) -> list[str]:
    """The languages of the sets named "<prefix> <language>"."""
    return [name.split(" ", 1)[1] for name in predictions if name.startswith(prefix + " ")]


def heldout_figures(predictions: Predictions) -> list[Figure]:
    return [
        figure
        for language in languages(predictions, "heldout")
        for figure in share_figure(f"heldout.{language}", HELDOUT, f"{language} held-out",
                                   stats.right(predictions[f"heldout {language}"]),
                                   target=targets.HELDOUT_ACCURACY)
    ]


def heldout_per_intent_figures(predictions: Predictions) -> list[Figure]:
    """What a retrained model gained or lost, intent by intent (issue 15: compare per intent)."""
    figures = []
    for language in languages(predictions, "heldout"):
        for intent, hits_count in stats.per_intent(predictions[f"heldout {language}"]).items():
            figures += share_figure(f"heldout.{language}.intent.{intent}", HELDOUT_PER_INTENT,
                                    f"{language} {intent}", hits_count)
    return figures


def in_scope_figures(predictions: Predictions) -> list[Figure]:
    return [
        figure
        for language in languages(predictions, "real")
        for figure in share_figure(f"real.{language}.in_scope", IN_SCOPE, f"{language} in-scope",
                                   stats.right(stats.in_scope(predictions[f"real {language}"])),
                                   target=targets.IN_SCOPE_ACCURACY)
    ]


def per_intent_figures(predictions: Predictions) -> list[Figure]:
    figures = []
    for language in languages(predictions, "real"):
        for intent, hits_count in stats.per_intent(stats.in_scope(predictions[f"real {language}"])).items():
            figures += share_figure(f"real.{language}.intent.{intent}", PER_INTENT,
                                    f"{language} {intent}", hits_count)
    return figures


def hard_negative_figures(predictions: Predictions) -> list[Figure]:
    figures = []
    for language in languages(predictions, "real"):
        examples = predictions[f"real {language}"]
        figures += share_figure(f"real.{language}.hard_negatives", HARD_NEGATIVES,
                                f"{language} hard negatives",
                                stats.rejected(stats.of_kind(examples, "hard_negative")),
                                target=targets.HARD_NEGATIVES_KEPT_OUT)
        figures += share_figure(f"real.{language}.gaps", HARD_NEGATIVES, f"{language} gap questions",
                                stats.rejected(stats.of_kind(examples, "gap")))
    return figures


def distress_figures(predictions: Predictions) -> list[Figure]:
    figures = []
    if "banking77" in predictions:
        figures += share_figure("distress.false_alarms.banking77", DISTRESS, "false alarms, BANKING77",
                                stats.predicted_as(predictions["banking77"]), "%",
                                targets.DISTRESS_FALSE_ALARMS)
    if "distress" in predictions:
        examples = predictions["distress"]
        figures += share_figure("distress.recall", DISTRESS, "recall, distress set",
                                stats.right(examples), target=targets.DISTRESS_RECALL)
        for label in sorted({item.label for item in examples}):
            figures += share_figure(f"distress.recall.{label}", DISTRESS, f"recall, {label}",
                                    stats.right(item for item in examples if item.label == label))
    return figures


def out_of_scope_figures(predictions: Predictions) -> list[Figure]:
    figures = []
    for name, examples in predictions.items():
        if name.startswith("out_of_scope "):
            short = name.removeprefix("out_of_scope ")
            figures += share_figure(f"out_of_scope.{short}", OUT_OF_SCOPE, short,
                                    stats.share(examples, lambda item: not item.ok),
                                    target=targets.FALSE_TRIGGERS)
    return figures


def entity_figures(judged: EntityJudgements) -> list[Figure]:
    figures = []
    for name, shares in judged.items():
        total = (sum(hits for hits, _ in shares.values()), sum(count for _, count in shares.values()))
        figures += share_figure(f"entities.{name}", ENTITIES, f"{name} set", total,
                                target=targets.ENTITY_ACCURACY)
        for (entity, language), hits_count in shares.items():
            figures += share_figure(f"entities.{name}.{entity}.{language}", ENTITIES,
                                    f"{name}: {entity} {language}", hits_count)
    return figures


def parse_figures(times_ms: Sequence[float]) -> list[Figure]:
    if not times_ms:
        return []
    count = len(times_ms)
    return [
        Figure("parse.p50_ms", PARSE, "parse p50", stats.percentile(times_ms, 50), count, unit="ms",
               target=targets.PARSE_P50_MS),
        Figure("parse.p95_ms", PARSE, "parse p95", stats.percentile(times_ms, 95), count, unit="ms"),
        Figure("parse.mean_ms", PARSE, "parse mean", statistics.fmean(times_ms), count, unit="ms"),
    ]


def all_figures(predictions: Predictions, judged: EntityJudgements,
                times_ms: Sequence[float]) -> list[Figure]:
    return [
        *heldout_figures(predictions), *heldout_per_intent_figures(predictions),
        *in_scope_figures(predictions), *per_intent_figures(predictions),
        *hard_negative_figures(predictions), *distress_figures(predictions),
        *out_of_scope_figures(predictions), *entity_figures(judged), *parse_figures(times_ms),
    ]


def missed(figures: Sequence[Figure]) -> list[Figure]:
    return [figure for figure in figures if figure.met is False]
