"""`python -m bot evaluate` (`make evaluate`): how well the trained model understands borrowers.

It measures, each against its target (issue 10):
- intent accuracy per language, and per intent, on the held-out split (tests/nlu/heldout_*.yml);
- on the real-source sets (tests/nlu/real/{zh,en}.yml), per language: in-scope intent accuracy
  (nlu_fallback is wrong there), accuracy per intent, the most frequent confusions, and the share of
  hard negatives kept out (out_of_scope or nlu_fallback) with what the others were taken for;
- the distress false-alarm rate on BANKING77 (tests/nlu/public/banking77_test.csv), listing the
  false alarms, and distress recall on the project's distress set (tests/nlu/distress.yml),
  listing the misses;
- the false-trigger rate on the public out-of-scope sets (../shared/eval: CLINC150, CrossWOZ);
- entity normalisation accuracy (tests/nlu/entities*.yml) and parse time (p50, p95).
None of these sets is ever trained on (tests/rasa/test_evaluation_sets_are_never_trained_on.py).

Every figure and every example's prediction is written next to the model
(models/current.tar.gz → models/current.figures.json); a new model's figures move the older
model's aside to previous.figures.json. Each figure is printed beside the previous one (the file
given with --compare, else models/previous.figures.json, else the committed baseline
tests/nlu/baseline_figures.json), followed by the examples that became right or wrong.
Exit code 0 when every target is met, 3 when one is missed, 1 without a model.
`make evaluate` runs it through the model registry (bot/training/models/compare.py): the
candidate beside the model in service, each model's figures kept in its sidecar.

Modules: sets (the sets), parsing (the model), judging (right or wrong), stats (counting),
targets, figures (every figure), record (the figures file), comparison, report, run.
"""
from __future__ import annotations

from bot.rasa.evaluation.run import evaluate

__all__ = ["evaluate"]
