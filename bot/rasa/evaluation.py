"""`python -m bot evaluate`: how well the trained model understands borrowers.

Prints intent accuracy per language on the held-out split (tests/nlu/heldout_*.yml, never
trained on), the false-trigger rate on the public out-of-scope sets in ../shared/eval (a
false trigger is any prediction other than out_of_scope or nlu_fallback), entity
normalisation accuracy per type and language on the entity sets (tests/nlu/entities*.yml),
and parse time.
"""
from __future__ import annotations

import asyncio
import json
import logging
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.runtime.settings import PROJECT_ROOT

HELDOUT = {"en": PROJECT_ROOT / "tests/nlu/heldout_en.yml", "zh": PROJECT_ROOT / "tests/nlu/heldout_zh.yml"}
OUT_OF_SCOPE_SETS = {"en (CLINC150)": ("clinc150_en.json", "out_of_scope"),
                     "zh (CrossWOZ)": ("crosswoz_zh_oos.json", "out_of_scope")}
NOT_TRIGGERED = {"out_of_scope", "nlu_fallback"}
ENTITY_SETS = {"project": PROJECT_ROOT / "tests/nlu/entities.yml",
               "blind": PROJECT_ROOT / "tests/nlu/entities_blind.yml"}
TARGETS = {"intent_accuracy": 0.92, "false_trigger_rate": 0.05, "entity_accuracy": 0.95}


@dataclass
class Figures:
    intent_accuracy: dict[str, tuple[float, int]] = field(default_factory=dict)
    false_triggers: dict[str, tuple[float, int]] = field(default_factory=dict)
    confusions: dict[str, Counter] = field(default_factory=dict)
    entities: dict[str, dict[tuple[str, str], tuple[int, int]]] = field(default_factory=dict)
    parse_ms: list[float] = field(default_factory=list)


def heldout_examples(path: Path) -> list[tuple[str, str]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = []
    for block in document.get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            text = line.strip()
            if text.startswith("- "):
                examples.append((text[2:].strip(), block["intent"]))
    return examples


def out_of_scope_messages(eval_dir: Path, file_name: str, key: str) -> list[str]:
    return json.loads((eval_dir / file_name).read_text(encoding="utf-8"))[key]


class Parser:
    def __init__(self, model: Path) -> None:
        from rasa.core.agent import Agent
        from rasa.utils.common import configure_logging_and_warnings
        from rasa.utils.log_utils import configure_structlog

        # Agent.load outside the rasa command line would log every parse at debug level.
        configure_logging_and_warnings(logging.WARNING)
        configure_structlog(logging.WARNING)
        self.agent = Agent.load(str(model))
        self.times: list[float] = []

    def intents(self, texts: list[str]) -> list[str]:
        return asyncio.run(self._intents(texts))

    async def _intents(self, texts: list[str]) -> list[str]:
        names = []
        for text in texts:
            started = time.perf_counter()
            result = await self.agent.parse_message(text)
            self.times.append((time.perf_counter() - started) * 1000)
            names.append(result["intent"]["name"])
        return names


def measure(parser: Parser, eval_dir: Path | None) -> Figures:
    figures = Figures()
    for language, path in HELDOUT.items():
        examples = heldout_examples(path)
        predictions = parser.intents([text for text, _ in examples])
        wrong: Counter = Counter(
            f"{expected} -> {predicted}"
            for (_, expected), predicted in zip(examples, predictions, strict=True)
            if not _correct(expected, predicted)
        )
        figures.intent_accuracy[language] = (1 - sum(wrong.values()) / len(examples), len(examples))
        figures.confusions[language] = wrong
    if eval_dir is not None:
        for name, (file_name, key) in OUT_OF_SCOPE_SETS.items():
            messages = out_of_scope_messages(eval_dir, file_name, key)
            triggered: Counter = Counter(
                intent for intent in parser.intents(messages) if intent not in NOT_TRIGGERED
            )
            figures.false_triggers[name] = (sum(triggered.values()) / len(messages), len(messages))
            figures.confusions[name] = triggered
    figures.entities = entity_figures()
    figures.parse_ms = parser.times
    return figures


def entity_figures() -> dict[str, dict[tuple[str, str], tuple[int, int]]]:
    from bot.values.measure import entity_accuracy

    return {
        name: entity_accuracy(yaml.safe_load(path.read_text(encoding="utf-8")))
        for name, path in ENTITY_SETS.items()
        if path.exists()
    }


def _correct(expected: str, predicted: str) -> bool:
    # The bot treats a low-confidence fallback like out_of_scope (CONTRACT §1).
    return predicted == expected or (expected == "out_of_scope" and predicted in NOT_TRIGGERED)


def report(figures: Figures) -> bool:
    ok = True
    print(f"intent accuracy on the held-out split (target >= {TARGETS['intent_accuracy']:.2f})")
    for language, (accuracy, count) in figures.intent_accuracy.items():
        ok &= accuracy >= TARGETS["intent_accuracy"]
        print(f"  {language:<16} {accuracy:.3f}  ({count} messages)")
    if figures.false_triggers:
        print(f"out-of-scope false-trigger rate (target <= {TARGETS['false_trigger_rate']:.2f})")
        for name, (rate, count) in figures.false_triggers.items():
            ok &= rate <= TARGETS["false_trigger_rate"]
            print(f"  {name:<16} {rate:.3f}  ({count} messages)")
    for name, judged in figures.entities.items():
        correct = sum(right for right, _ in judged.values())
        total = sum(count for _, count in judged.values())
        ok &= correct / total >= TARGETS["entity_accuracy"]
        print(f"entity normalisation accuracy, {name} set (target >= "
              f"{TARGETS['entity_accuracy']:.2f}): {correct / total:.3f} ({total} judgements)")
        for (entity, language), (right, count) in judged.items():
            print(f"  {entity:<14} {language:<8} {right / count:.3f}  ({right}/{count})")
    times = sorted(figures.parse_ms)
    if times:
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"parse time per message: mean {statistics.mean(times):.1f} ms, "
              f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms ({len(times)} messages)")
    print("most frequent errors:")
    for name, errors in figures.confusions.items():
        for error, count in errors.most_common(5):
            print(f"  {name:<16} {count:>4}  {error}")
    return ok


def evaluate(model: Path, eval_dir: Path | None = None) -> int:
    eval_dir = eval_dir or PROJECT_ROOT.parent / "shared" / "eval"
    if not model.exists():
        print(f"no trained model at {model}", file=sys.stderr)
        return 1
    if not eval_dir.is_dir():
        print(f"no evaluation sets at {eval_dir}: out-of-scope figures skipped", file=sys.stderr)
        eval_dir = None
    ok = report(measure(Parser(model), eval_dir))
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 3
