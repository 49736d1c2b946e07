"""The evaluation sets, as lists of examples: none of them is ever trained on
(tests/rasa/test_evaluation_sets_are_never_trained_on.py)."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.runtime.settings import PROJECT_ROOT
from bot.training.nlu_files import examples_of

NLU_SETS = PROJECT_ROOT / "tests/nlu"
HELDOUT = {"zh": NLU_SETS / "heldout_zh.yml", "en": NLU_SETS / "heldout_en.yml"}
REAL = {"zh": NLU_SETS / "real/zh.yml", "en": NLU_SETS / "real/en.yml"}
DISTRESS = NLU_SETS / "distress.yml"
BANKING77 = NLU_SETS / "public/banking77_test.csv"
OUT_OF_SCOPE = {"en (CLINC150)": "clinc150_en.json", "zh (CrossWOZ)": "crosswoz_zh_oos.json"}
ENTITY_SETS = {"project": NLU_SETS / "entities.yml", "blind": NLU_SETS / "entities_blind.yml"}

# How a set's predictions are judged (bot.rasa.evaluation.judging).
BY_INTENT = "intent"  # the labelled intent, out_of_scope also met by nlu_fallback
NOT_DISTRESS = "not_distress"  # anything but distress: the set is unlabelled for this bot


@dataclass(frozen=True)
class Example:
    text: str
    expected: str  # the intent the bot should give; "" in a set judged NOT_DISTRESS
    kind: str = ""  # in the real sets: "hard_negative", "gap" or "" (in scope, or other)
    label: str = ""  # the source's own label: a BANKING77 category, a distress message's language


@dataclass(frozen=True)
class EvaluationSet:
    name: str  # "heldout zh", "real en", "banking77", "distress", "out_of_scope en (CLINC150)"
    examples: tuple[Example, ...]
    rule: str = BY_INTENT


def heldout_set(language: str) -> EvaluationSet:
    return EvaluationSet(f"heldout {language}", tuple(nlu_examples(HELDOUT[language])))


def nlu_examples(path: Path) -> list[Example]:
    """The examples of a Rasa NLU file (`- intent:` blocks with `examples: |`)."""
    return [Example(text, intent) for intent, text in examples_of(path)]


def real_set(language: str) -> EvaluationSet:
    document = yaml.safe_load(REAL[language].read_text(encoding="utf-8"))
    return EvaluationSet(f"real {language}", tuple(real_example(item) for item in document["examples"]))


def real_example(item: dict) -> Example:
    kind = "hard_negative" if item.get("hard_negative") else "gap" if item.get("gap") else ""
    return Example(str(item["text"]), str(item["intent"]), kind, str(item.get("gap") or ""))


def distress_set() -> EvaluationSet:
    document = yaml.safe_load(DISTRESS.read_text(encoding="utf-8"))
    intent = document["intent"]
    examples = (Example(str(item["text"]), intent, label=item["lang"]) for item in document["examples"])
    return EvaluationSet("distress", tuple(examples))


def banking77_set() -> EvaluationSet:
    with BANKING77.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    examples = (Example(row["text"], "", label=row["category"]) for row in rows)
    return EvaluationSet("banking77", tuple(examples), NOT_DISTRESS)


def out_of_scope_sets(eval_dir: Path) -> list[EvaluationSet]:
    return [out_of_scope_set(eval_dir, name, file_name) for name, file_name in OUT_OF_SCOPE.items()]


def out_of_scope_set(eval_dir: Path, name: str, file_name: str) -> EvaluationSet:
    messages = json.loads((eval_dir / file_name).read_text(encoding="utf-8"))["out_of_scope"]
    return EvaluationSet(f"out_of_scope {name}", tuple(Example(text, "out_of_scope") for text in messages))


def all_sets(eval_dir: Path | None) -> list[EvaluationSet]:
    """Every set the model is measured on, in the order of the report."""
    sets = [heldout_set(language) for language in HELDOUT]
    sets += [real_set(language) for language in REAL]
    sets += [distress_set(), banking77_set()]
    return sets + (out_of_scope_sets(eval_dir) if eval_dir is not None else [])


def entity_cases() -> dict[str, list[dict]]:
    """The entity sets' cases by set name (judged by bot.values.measure, without the model)."""
    return {
        name: yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, path in ENTITY_SETS.items()
        if path.exists()
    }
