"""The evaluation sets measure the model only if it never saw them: no sentence of the real
customer sets (tests/nlu/real/*.yml), the project's distress set (tests/nlu/distress.yml), the
held-out split (tests/nlu/heldout_*.yml), the public banking set (BANKING77's test split,
tests/nlu/public/banking77_test.csv) or the public out-of-scope sets (../shared/eval/*.json, when
present) may appear in the training data (data/nlu/*.yml). Sentences are compared after
normalising: lower case, Traditional to Simplified, whitespace and punctuation removed, so
"我還欠多少錢？" and "我还欠多少钱" are the same.

No evaluation sentence may leak, and none is excused: a leak is fixed in data/ (delete or reword
the training sentence). The public out-of-scope sets are compared only where ../shared is
present (a fresh clone outside the workspace has none).

The sets' format is checked too: every real example has a known intent, a known source, at most
the known keys, and no sentence appears twice (within a set or across the real sets); the distress
set has no duplicate and only known languages; the BANKING77 file is byte for byte the published
one (its SHA-256), 3,080 queries in 77 categories."""
from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from bot.language import comparable
from bot.runtime.settings import PROJECT_ROOT

TRAINING = sorted((PROJECT_ROOT / "data/nlu").glob("*.yml"))
REAL_SETS = sorted((PROJECT_ROOT / "tests/nlu/real").glob("*.yml"))
HELDOUT = sorted((PROJECT_ROOT / "tests/nlu").glob("heldout_*.yml"))
DISTRESS = PROJECT_ROOT / "tests/nlu/distress.yml"
BANKING77 = PROJECT_ROOT / "tests/nlu/public/banking77_test.csv"
# PolyAI-LDN/task-specific-datasets banking_data/test.csv @ dfe22170 (tests/nlu/public/README.md)
BANKING77_SHA256 = "40e048693b7844208da2806ca802bba60ff7ec3355f346f3701b85c8506ea589"
PUBLIC_SETS = sorted((PROJECT_ROOT.parent / "shared" / "eval").glob("*.json"))
DISTRESS_LANGUAGES = {"en", "zh_hans", "zh_hant", "yue", "mixed"}

EXAMPLE_KEYS = {"text", "intent", "source", "hard_negative", "gap", "note"}
SOURCE_KEYS = {"name", "url", "licence"}
ANNOTATION = re.compile(r"\[([^\]]*)\]\((?:[^)]*)\)|\[([^\]]*)\]\{[^}]*\}")  # [text](entity), [text]{...}


normalise = comparable


def nlu_examples(path: Path) -> list[str]:
    """The example sentences of a Rasa NLU file (entity annotations reduced to their text)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sentences = []
    for block in document.get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                sentences.append(ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", line[2:].strip()))
    return sentences


def public_sentences(path: Path) -> list[str]:
    """Every sentence of a public evaluation set: lists of strings, or of {"text": ...}."""
    document = json.loads(path.read_text(encoding="utf-8"))
    values = document.values() if isinstance(document, dict) else [document]
    sentences = []
    for value in values:
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    sentences.append(item)
                elif isinstance(item, dict) and isinstance(item.get("text"), str):
                    sentences.append(item["text"])
    return sentences


def real_set(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def distress_set() -> dict:
    return yaml.safe_load(DISTRESS.read_text(encoding="utf-8"))


def banking77_rows() -> list[dict[str, str]]:
    with BANKING77.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def known_intents() -> set[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = {intent if isinstance(intent, str) else next(iter(intent)) for intent in domain["intents"]}
    written = {intent for intent in intents if not intent.startswith("EXTERNAL_")}
    return written | {"out_of_scope"}


def evaluation_sentences() -> dict[str, list[str]]:
    sets = {}
    for path in REAL_SETS:
        examples = real_set(path)["examples"]
        sets[str(path.relative_to(PROJECT_ROOT))] = [example["text"] for example in examples]
    sets[str(DISTRESS.relative_to(PROJECT_ROOT))] = [item["text"] for item in distress_set()["examples"]]
    for path in HELDOUT:
        sets[str(path.relative_to(PROJECT_ROOT))] = nlu_examples(path)
    sets[str(BANKING77.relative_to(PROJECT_ROOT))] = [row["text"] for row in banking77_rows()]
    for path in PUBLIC_SETS:
        sets[f"../shared/eval/{path.name}"] = public_sentences(path)
    return sets


def test_the_sets_to_compare_exist() -> None:
    assert TRAINING, "no training data under data/nlu"
    assert {path.stem for path in REAL_SETS} >= {"zh", "en"}
    assert HELDOUT
    assert DISTRESS.exists() and BANKING77.exists()


def leaks() -> set[tuple[str, str]]:
    """(set, sentence) for every evaluation sentence that is also a training sentence."""
    trained = {normalise(sentence) for path in TRAINING for sentence in nlu_examples(path)} - {""}
    return {
        (name, sentence)
        for name, sentences in evaluation_sentences().items()
        for sentence in sentences
        if normalise(sentence) in trained
    }


def test_no_evaluation_sentence_is_in_the_training_data() -> None:
    found = sorted(f"{name}: {sentence!r}" for name, sentence in leaks())
    assert not found, "evaluation sentences found in data/nlu (take them out of data/):\n" + "\n".join(found)


@pytest.mark.parametrize("path", REAL_SETS, ids=lambda path: path.name)
def test_a_real_set_is_well_formed(path: Path) -> None:
    document = real_set(path)
    assert document["language"] in {"zh", "en"}
    sources = document["sources"]
    for key, source in sources.items():
        missing = SOURCE_KEYS - set(source)
        assert not missing, f"source {key} lacks {sorted(missing)}"
    intents = known_intents()
    problems = []
    seen: dict[str, str] = {}
    for example in document["examples"]:
        text = example.get("text")
        if not isinstance(text, str) or not normalise(text):
            problems.append(f"empty text: {example}")
            continue
        if set(example) - EXAMPLE_KEYS:
            problems.append(f"unknown keys {sorted(set(example) - EXAMPLE_KEYS)}: {text}")
        if example.get("intent") not in intents:
            problems.append(f"unknown intent {example.get('intent')!r}: {text}")
        if example.get("source") not in sources:
            problems.append(f"unknown source {example.get('source')!r}: {text}")
        if "hard_negative" in example and example["hard_negative"] is not True:
            problems.append(f"hard_negative is true or absent: {text}")
        if (example.get("hard_negative") or example.get("gap")) and example.get("intent") != "out_of_scope":
            problems.append(f"hard negatives and gaps are out_of_scope: {text}")
        if document["language"] == "zh" and not re.search(r"[\u3400-\u9fff\uf900-\ufaff]", text):
            problems.append(f"no Chinese in a Chinese set: {text}")
        key = normalise(text)
        if key in seen:
            problems.append(f"duplicate: {text!r} and {seen[key]!r}")
        seen[key] = text
    assert not problems, "\n".join(problems)


def test_no_sentence_is_in_two_real_sets() -> None:
    owner: dict[str, str] = {}
    twice = []
    for path in REAL_SETS:
        for example in real_set(path)["examples"]:
            key = normalise(example["text"])
            if key in owner and owner[key] != path.name:
                twice.append(f"{example['text']!r} in {owner[key]} and {path.name}")
            owner.setdefault(key, path.name)
    assert not twice, "\n".join(twice)


def test_the_distress_set_is_well_formed() -> None:
    document = distress_set()
    assert document["intent"] == "distress"
    problems = []
    seen: dict[str, str] = {}
    for example in document["examples"]:
        text = example.get("text")
        if not isinstance(text, str) or not normalise(text):
            problems.append(f"empty text: {example}")
            continue
        if set(example) - {"text", "lang", "note"} or example.get("lang") not in DISTRESS_LANGUAGES:
            problems.append(f"unknown keys or language: {example}")
        key = normalise(text)
        if key in seen:
            problems.append(f"duplicate: {text!r} and {seen[key]!r}")
        seen[key] = text
    assert not problems, "\n".join(problems)
    assert {example["lang"] for example in document["examples"]} == DISTRESS_LANGUAGES


def test_the_banking77_file_is_the_published_one() -> None:
    assert hashlib.sha256(BANKING77.read_bytes()).hexdigest() == BANKING77_SHA256
    rows = banking77_rows()
    assert list(rows[0]) == ["text", "category"]
    assert len(rows) == 3080
    assert len({row["category"] for row in rows}) == 77
