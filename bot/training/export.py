"""`python -m bot training export [--dry-run] [--data DIR]`: the settled review items, as
training examples, into data/nlu/<language>.yml (bot/training/languages.py) under their intent.

A trainer-side command: the team runs it on their own machine, against their own database, and
reviews the change to data/ like any other before a model is trained on it. It writes what the
borrower wrote, unmasked — a model learns from the words borrowers use, and a mask ([amount])
would teach it the mask — so it is never run by the gateway, and no API serves its text.

Written once: each item exported is marked so (written, or skipped and why), and the next
export writes nothing for it. Never written: a discarded item; a sentence the training data
has already (in any file, any intent) or that this export writes already; a sentence of an
evaluation set (bot/training/known.py); what cannot stand as one example line (entity markup,
unprintable characters).
"""
from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.db import Database
from bot.db.models import ReviewItem
from bot.runtime.settings import PROJECT_ROOT
from bot.training.known import Known, known_sentences
from bot.training.languages import FILES
from bot.training.nlu_files import NluFileError, one_line, with_examples, writable

DATA = PROJECT_ROOT / "data"
WRITTEN, SKIPPED = "written", "skipped"


@dataclass(frozen=True)
class Candidate:
    """A settled item, an example of `intent`."""

    id: int
    text: str
    language: str
    intent: str


@dataclass(frozen=True)
class Planned:
    id: int
    file: str  # the file's name in the nlu directory: en.yml
    intent: str
    text: str


@dataclass(frozen=True)
class Skipped:
    id: int
    text: str
    why: str


@dataclass(frozen=True)
class ExportPlan:
    written: tuple[Planned, ...]
    skipped: tuple[Skipped, ...]

    def by_file(self) -> dict[str, dict[str, list[str]]]:
        """The new examples of each file, by intent, in the order of the items."""
        files: dict[str, dict[str, list[str]]] = {}
        for one in self.written:
            files.setdefault(one.file, {}).setdefault(one.intent, []).append(one.text)
        return files


def plan_export(candidates: Sequence[Candidate], known: Known) -> ExportPlan:
    """What each candidate comes to: a new example of a file, or skipped and why."""
    written, skipped = [], []
    for candidate in candidates:
        text = one_line(candidate.text)
        why = _why_not(text, candidate.language, known)
        if why is not None:
            skipped.append(Skipped(candidate.id, text, why))
            continue
        file = FILES[candidate.language]
        written.append(Planned(candidate.id, file, candidate.intent, text))
        known.add_training(text, f"review item {candidate.id}, exported now")
    return ExportPlan(tuple(written), tuple(skipped))


def export(session: Session, nlu_dir: Path, eval_dir: Path | None, *, dry_run: bool) -> ExportPlan:
    """Plans the export of every settled item not exported yet, writes the files (unless a dry
    run) and marks the items; a file that would change otherwise than by added lines raises
    NluFileError before any file is written."""
    items = session.execute(
        select(ReviewItem).where(ReviewItem.status == "settled", ReviewItem.discarded.is_(False),
                                 ReviewItem.intent.is_not(None), ReviewItem.export_status.is_(None))
        .order_by(ReviewItem.id).with_for_update()).scalars().all()
    plan = plan_export([Candidate(item.id, item.text, item.language, item.intent) for item in items],
                       known_sentences(nlu_dir, eval_dir) if items else Known())
    if dry_run:
        return plan
    texts = {file: with_examples(_read(nlu_dir / file), new, str(nlu_dir / file))
             for file, new in plan.by_file().items()}  # all of them first: one refusal writes none
    for file, text in texts.items():
        (nlu_dir / file).write_text(text, encoding="utf-8")
    by_id, now = {item.id: item for item in items}, utcnow()
    for planned in plan.written:
        _mark(by_id[planned.id], WRITTEN, f"{nlu_dir.name}/{planned.file}", now)
    for skipped in plan.skipped:
        _mark(by_id[skipped.id], SKIPPED, skipped.why, now)
    return plan


def run_export(database: Database, data_dir: Path | None, *, dry_run: bool) -> int:
    """The command: exports, and prints what was (or would be) written to each file and what
    was skipped and why."""
    nlu_dir = (data_dir or DATA) / "nlu"
    if not nlu_dir.is_dir():
        print(f"no training data at {nlu_dir}", file=sys.stderr)
        return 1
    try:
        with database.transaction() as session:
            plan = export(session, nlu_dir, _eval_dir(), dry_run=dry_run)
    except NluFileError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(report(plan, nlu_dir, dry_run=dry_run))
    return 0


def report(plan: ExportPlan, nlu_dir: Path, *, dry_run: bool) -> str:
    verb = "would add" if dry_run else "added"
    lines = []
    for file, new in sorted(plan.by_file().items()):
        counts = Counter({intent: len(texts) for intent, texts in new.items()})
        lines.append(f"{nlu_dir / file}: {verb} {sum(counts.values())} "
                     f"({', '.join(f'{intent} {count}' for intent, count in sorted(counts.items()))})")
        lines += [f"  + {intent}: {text}" for intent, texts in new.items() for text in texts]
    if plan.skipped:
        lines.append(f"skipped {len(plan.skipped)}:")
        lines += [f"  review item {one.id} ({one.text!r}): {one.why}" for one in plan.skipped]
    if not lines:
        lines.append("nothing to export: no settled review item is waiting")
    elif dry_run:
        lines.append("dry run: nothing written, nothing marked exported")
    return "\n".join(lines)


def _why_not(text: str, language: str, known: Known) -> str | None:
    if not writable(text):
        return "it cannot stand as one example line (empty, entity markup or unprintable characters)"
    if language not in FILES:
        return f"no training file for language {language!r}"
    evaluation = known.in_evaluation(text)
    if evaluation is not None:
        return f"it is in the evaluation set {evaluation}, which is never trained on"
    already = known.in_training(text)
    if already is not None:
        return f"it is an example already ({already})"
    return None


def _mark(item: ReviewItem, status: str, note: str, now: datetime) -> None:
    item.export_status, item.export_note, item.exported_at = status, note, now


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _eval_dir() -> Path | None:
    from bot.rasa.evaluation.run import DEFAULT_EVAL_DIR  # the public out-of-scope sets, when present

    return DEFAULT_EVAL_DIR if DEFAULT_EVAL_DIR.is_dir() else None
