"""Adding examples to a Rasa NLU file (data/nlu/*.yml) and nothing else: its comments, blocks
and their order stay as they are (ruamel.yaml's round trip), and a check that the new text
only adds lines to the old refuses to write anything else.

An example goes at the end of the intent's first `examples: |` block; an intent the file has
no block for gets one at the end of the file.
"""
from __future__ import annotations

import difflib
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

NEW_FILE = 'version: "3.1"\n\nnlu:\n'
# What Rasa would read as an entity annotation, [text](entity) or [text]{...}, and characters
# a YAML block cannot hold.
MARKUP = re.compile(r"\[[^\]]*\]\s*[({]")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff\u2028\u2029]")


class NluFileError(ValueError):
    """The file could not be changed by adding lines alone; nothing was written."""


def one_line(text: str) -> str:
    """An example as it can stand on one line of a block: whitespace runs made one space."""
    return " ".join(text.split())


def writable(text: str) -> bool:
    """Whether `text` (one line) can be an example as it is: no markup, nothing unprintable."""
    return bool(text) and not MARKUP.search(text) and not _UNPRINTABLE.search(text)


def with_examples(source: str, new: Mapping[str, Sequence[str]], name: str = "file") -> str:
    """`source` (a Rasa NLU file's text) with the examples of `new` (by intent) added."""
    document = _yaml().load(source or NEW_FILE)
    if document is None:
        document = _yaml().load(NEW_FILE)
    if document.get("nlu") is None:
        document["nlu"] = CommentedSeq()
    blocks = document["nlu"]
    for intent, texts in new.items():
        if not texts:
            continue
        lines = "".join(f"- {text}\n" for text in texts)
        block = next((block for block in blocks if isinstance(block, CommentedMap)
                      and block.get("intent") == intent and "examples" in block), None)
        if block is None:
            block = CommentedMap()
            block["intent"], block["examples"] = intent, ""
            blocks.append(block)
        old = str(block["examples"] or "")
        if old and not old.endswith("\n"):
            old += "\n"
        block["examples"] = LiteralScalarString(old + lines)
    out = io.StringIO()
    _yaml().dump(document, out)
    written = out.getvalue()
    _check(source or NEW_FILE, written, new, name)
    return written


def examples_of(path: Path) -> list[tuple[str, str]]:
    """(intent, example) for each example of the file, in order."""
    return examples_in(path.read_text(encoding="utf-8"))


def examples_in(source: str) -> list[tuple[str, str]]:
    """(intent, example) for each example of a Rasa NLU file's text, in order: the `- ` lines
    of its intents' `examples: |` blocks (other blocks, synonyms and lookups, have none)."""
    document = yaml.safe_load(source) or {}
    blocks = [block for block in document.get("nlu") or [] if isinstance(block, dict) and "intent" in block]
    return [(str(block["intent"]), text) for block in blocks for text in _examples(block.get("examples"))]


def _yaml() -> YAML:
    handler = YAML()  # round trip: comments, order and quoting kept
    # ruamel.yaml 0.17 annotates these settings as None, their default
    handler.preserve_quotes = True  # type: ignore[assignment]
    handler.width = 1_000_000  # type: ignore[assignment]  # never fold a long example
    handler.indent(mapping=2, sequence=2, offset=0)  # the files' own layout
    return handler


def _check(source: str, written: str, new: Mapping[str, Sequence[str]], name: str) -> None:
    """Every line of the source is still there, in order, and each new example is read back
    under its intent."""
    old_lines, new_lines = source.splitlines(), written.splitlines()
    changes = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False).get_opcodes()
    if any(tag not in ("equal", "insert") for tag, *_ in changes):
        raise NluFileError(f"{name}: adding the examples would change other lines; nothing written")
    read: dict[str, set[str]] = {}
    for intent, text in examples_in(written):
        read.setdefault(intent, set()).add(text)
    lost = [text for intent, texts in new.items() for text in texts if text not in read.get(intent, set())]
    if lost:
        raise NluFileError(f"{name}: {', '.join(map(repr, lost))} would not be read back; nothing written")


def _examples(block: Any) -> list[str]:
    lines = (line.strip() for line in str(block or "").splitlines())
    return [line[2:].strip() for line in lines if line.startswith("- ")]
