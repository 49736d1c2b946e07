"""One evaluation: parse every set, compute the figures, keep them next to the model, print them
beside the previous ones, and say whether every target is met (exit code 0, else 3)."""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.rasa.evaluation import record as files
from bot.rasa.evaluation.comparison import changes
from bot.rasa.evaluation.figures import EntityJudgements, Predictions, all_figures, missed
from bot.rasa.evaluation.judging import judge
from bot.rasa.evaluation.parsing import Parser
from bot.rasa.evaluation.record import Record
from bot.rasa.evaluation.report import report
from bot.rasa.evaluation.sets import all_sets, entity_cases
from bot.runtime.settings import PROJECT_ROOT

BASELINE = PROJECT_ROOT / "tests/nlu/baseline_figures.json"  # today's figures, committed
DEFAULT_EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"
TARGETS_MISSED = 3


def predict(parser: Parser, eval_dir: Path | None) -> Predictions:
    predictions = {}
    for evaluation_set in all_sets(eval_dir):
        texts = [example.text for example in evaluation_set.examples]
        predictions[evaluation_set.name] = judge(evaluation_set, parser.intents(texts))
    return predictions


def judge_entities() -> EntityJudgements:
    from bot.values.measure import entity_accuracy

    return {name: entity_accuracy(cases) for name, cases in entity_cases().items()}


def measure(model: Path, eval_dir: Path | None) -> Record:
    parser = Parser(model)
    predictions = predict(parser, eval_dir)
    figures = all_figures(predictions, judge_entities(), parser.times_ms)
    measured_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return Record(str(model), files.sha256(model), measured_at, figures, predictions)


def shown(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def previous_record(model: Path, compare: Path | None) -> tuple[Record | None, str]:
    path = compare or files.previous_path(model, BASELINE)
    if path is None:
        return None, ""
    if not path.exists():
        print(f"no figures to compare with at {path}", file=sys.stderr)
        return None, ""
    return files.read(path), shown(path)


def resolved_eval_dir(eval_dir: Path | None) -> Path | None:
    eval_dir = eval_dir or DEFAULT_EVAL_DIR
    if eval_dir.is_dir():
        return eval_dir
    print(f"no evaluation sets at {eval_dir}: out-of-scope figures skipped", file=sys.stderr)
    return None


def evaluate(model: Path, eval_dir: Path | None = None, compare: Path | None = None,
             measured: Record | None = None) -> int:
    """`python -m bot evaluate`: compare defaults to the model's previous.figures.json if there is
    one, else the committed baseline (tests/nlu/baseline_figures.json). `measured`: the model's
    figures already measured (kept in its sidecar, bot/training/models/measured.py)."""
    if not model.exists():
        print(f"no trained model at {model}", file=sys.stderr)
        return 1
    current = measured or measure(model, resolved_eval_dir(eval_dir))
    output = files.figures_path(model)
    files.keep_previous(output, current.model_sha256)
    previous, source = previous_record(model, compare)
    files.write(current, output)
    print(report(current, previous, source,
                 changes(previous.predictions, current.predictions) if previous else None))
    print(f"figures written to {shown(output)}")
    return TARGETS_MISSED if missed(current.figures) else 0
