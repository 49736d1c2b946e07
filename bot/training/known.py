"""The sentences an export must not write: those of the training data already (in any file of
data/nlu, under any intent), and those of the evaluation sets (bot/rasa/evaluation/sets.py),
which are never trained on.

Sentences are compared as the evaluation leak check compares them (bot.language.comparable:
case, whitespace, punctuation, Traditional and Simplified), and also after full-width forms
are made half-width (ｈｉ，１２３ is hi,123).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.language import comparable
from bot.rasa.evaluation.sets import all_sets
from bot.training.nlu_files import examples_of


def keys(text: str) -> set[str]:
    """The forms under which `text` is the same sentence as another."""
    return {comparable(text), comparable(unicodedata.normalize("NFKC", text))} - {""}


@dataclass
class Known:
    """Where each known sentence is: a training file's name or an evaluation set's."""

    training: dict[str, str] = field(default_factory=dict)
    evaluation: dict[str, str] = field(default_factory=dict)

    def add_training(self, text: str, where: str) -> None:
        for key in keys(text):
            self.training.setdefault(key, where)

    def in_evaluation(self, text: str) -> str | None:
        return next((self.evaluation[key] for key in keys(text) if key in self.evaluation), None)

    def in_training(self, text: str) -> str | None:
        return next((self.training[key] for key in keys(text) if key in self.training), None)


def known_sentences(nlu_dir: Path, eval_dir: Path | None) -> Known:
    """Every example of nlu_dir's files, and every sentence of the evaluation sets (the public
    out-of-scope ones where `eval_dir` has them)."""
    known = Known()
    for path in sorted(nlu_dir.glob("*.yml")):
        for _intent, text in examples_of(path):
            known.add_training(text, f"{nlu_dir.name}/{path.name}")
    known.evaluation.update(_evaluation(eval_dir))
    return known


@cache
def _evaluation(eval_dir: Path | None) -> dict[str, str]:
    """The evaluation sentences' keys, by set name (the sets change with the code, not while
    it runs: read once per process)."""
    found: dict[str, str] = {}
    for evaluation_set in all_sets(eval_dir):
        for example in evaluation_set.examples:
            for key in keys(example.text):
                found.setdefault(key, evaluation_set.name)
    return found
