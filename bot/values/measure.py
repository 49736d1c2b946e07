"""How well extract_values finds what a case set expects (tests/nlu/entities.yml).

A case counts for an (entity, lang) pair when it expects values of that entity or the
extractor produced some, and is correct there when the produced (value, problem) pairs of that
entity are exactly the expected ones. Cases that expect nothing at all also count under
("none", lang): correct when nothing at all is produced.
"""
from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from bot.values.extract import Value, extract_values

NOTHING = "none"


def expected_pairs(case: dict, entity: str) -> Counter:
    items = [item for item in case["expected"] if item["entity"] == entity]
    return Counter((item.get("value"), item.get("problem")) for item in items)


def produced_pairs(values: Iterable[Value], entity: str) -> Counter:
    return Counter((value.value, value.problem) for value in values if value.entity == entity)


def case_today(case: dict) -> datetime.date:
    today = case["today"]
    return today if isinstance(today, datetime.date) else datetime.date.fromisoformat(str(today))


def judge(case: dict, values: list[Value]) -> dict[str, bool]:
    """entity → whether the case is right for it, for each entity the case is about."""
    entities = {item["entity"] for item in case["expected"]} | {value.entity for value in values}
    verdicts = {
        entity: expected_pairs(case, entity) == produced_pairs(values, entity) for entity in entities
    }
    if not case["expected"]:
        verdicts[NOTHING] = not values
    return verdicts


def entity_accuracy(cases: Iterable[dict]) -> dict[tuple[str, str], tuple[int, int]]:
    """(entity, lang) → (correct, total) over the cases."""
    correct: Counter = Counter()
    total: Counter = Counter()
    for case in cases:
        for entity, right in judge(case, extract_values(case["text"], case_today(case))).items():
            total[entity, case["lang"]] += 1
            correct[entity, case["lang"]] += right
    return {key: (correct[key], total[key]) for key in sorted(total)}
