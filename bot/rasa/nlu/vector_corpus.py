"""The unlabelled text the word vectors are trained on (bot/rasa/nlu/vector_training.py): one
document a line, from public customer text in CSV files (the column whose name holds
"narrative", else each `--column`), with CFPB's masks rewritten as the training data rewrites them,
and with no document that contains a sentence of an evaluation set: the vectors must not have
read what the model is measured on.

    .venv/bin/python -m bot.rasa.nlu.vector_corpus FILE.csv [...] [--column NAME ...] --out corpus.txt
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.language import comparable

MASKS = ((re.compile(r"\{\$([\d,.]+)\}"), r"$\1"), (re.compile(r"XX/XX/(XXXX|\d{4})"), "that day"),
         (re.compile(r"\bX{2,}\b"), "them"))
MIN_CHARACTERS = 4
CONTAINED = 25  # an evaluation sentence this long inside a document drops it; shorter, only equal


def unmasked(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def documents(path: Path, columns: list[str]) -> Iterator[str]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        names = reader.fieldnames or []
        chosen = [name for name in columns if name in names] or [
            name for name in names if name and "narrative" in name.lower()][:1]
        if not chosen:
            raise SystemExit(f"{path}: no narrative column among {names}")
        for row in reader:
            for name in chosen:
                text = unmasked(row.get(name) or "")
                if len(text) >= MIN_CHARACTERS:
                    yield text


def evaluation_sentences() -> set[str]:
    """Every sentence the model is measured on (bot/rasa/evaluation/sets.py), comparable."""
    from bot.rasa.evaluation.run import DEFAULT_EVAL_DIR
    from bot.rasa.evaluation.sets import all_sets

    eval_dir = DEFAULT_EVAL_DIR if DEFAULT_EVAL_DIR.is_dir() else None
    found = {comparable(unmasked(example.text)) for evaluation_set in all_sets(eval_dir)
             for example in evaluation_set.examples}
    return found - {""}


def unseen(texts: Iterable[str], evaluation: set[str]) -> Iterator[str]:
    """The distinct texts that are no evaluation sentence and hold no long one (compared as
    `comparable`)."""
    long_ones = [sentence for sentence in evaluation if len(sentence) >= CONTAINED]
    seen: set[str] = set()
    for text in texts:
        key = comparable(text)
        if key in seen or key in evaluation or any(sentence in key for sentence in long_ones):
            continue
        seen.add(key)
        yield text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--column", action="append", default=[])
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    texts = (text for path in arguments.files for text in documents(path, arguments.column))
    kept = list(unseen(texts, evaluation_sentences()))
    arguments.out.write_text("".join(f"{text}\n" for text in kept), encoding="utf-8")
    print(f"{len(kept)} documents to {arguments.out}")


if __name__ == "__main__":
    main()
