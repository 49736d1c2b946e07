"""The export (bot/training/export.py, nlu_files.py, known.py), on SQLite and PostgreSQL, into a
copy of data/nlu in a temporary directory (never the real one): each settled example into its
language's file, under its intent, every other line of the file kept; the borrower's words as
written; nothing the training data has already, nor any evaluation sentence; once only."""
from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
import yaml

from bot.runtime.settings import PROJECT_ROOT
from bot.training.export import export, report
from bot.training.intents import trainable_intents
from bot.training.nlu_files import NluFileError, examples_of, with_examples
from bot.training.settling import Settlement, settle
from tests.training.support import items, review

INTENTS = trainable_intents()
NEW = {  # none of them in data/nlu, nor in an evaluation set
    "hows my tab looking this month pal": ("en", "en.yml"),
    "我这个月的账单还差多少呢亲爱的客服": ("zh_hans", "zh_hans.yml"),
    "我這個月帳單還差幾多呀客服大大": ("zh_hant", "zh_hant.yml"),
    "tab 还差 几多 呀 pal": ("mixed", "mixed.yml"),
}


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the project's data/nlu."""
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", tmp_path / "nlu")
    return tmp_path / "nlu"


def settled(database, *examples: tuple[str, str], how: str = "intent") -> list[int]:
    """Review items with these (text, intent), settled."""
    with database.transaction() as session:
        ids = [review(session, text, key=f"m-{n}").id for n, (text, _) in enumerate(examples)]
        for item_id, (_, intent) in zip(ids, examples, strict=True):
            settle(session, [item_id], Settlement(how, intent if how == "intent" else None), "tess", INTENTS)
    return ids


def run(database, data: Path, *, dry_run: bool = False):
    with database.transaction() as session:
        return export(session, data, None, dry_run=dry_run)


def added_lines(before: str, after: str) -> list[tuple[int, str]]:
    """(line number in `after`, line) of each line added; fails if any other changed."""
    added = []
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, _, _, start, end in matcher.get_opcodes():
        assert tag in ("equal", "insert"), "a line of the file changed"
        added += [(n, after.splitlines()[n]) for n in range(start, end)] if tag == "insert" else []
    return added


def test_each_example_goes_into_its_languages_file_under_its_intent(database, data):
    originals = {path.name: path.read_text(encoding="utf-8") for path in data.glob("*.yml")}
    ids = settled(database, *((text, "ask_balance") for text in NEW))
    plan = run(database, data)
    assert [(one.id, one.file, one.intent) for one in plan.written] == [
        (item_id, file, "ask_balance") for item_id, (_, file) in zip(ids, NEW.values(), strict=True)]
    assert plan.skipped == ()
    for text, (_, file) in NEW.items():
        after = (data / file).read_text(encoding="utf-8")
        [(line, written)] = added_lines(originals[file], after)
        assert written == f"    - {text}"
        # at the end of the intent's first block: after its last example, before whatever follows
        lines = after.splitlines()
        first_block = lines.index("- intent: ask_balance")
        block_end = next(n for n in range(first_block + 2, len(lines)) if not lines[n].startswith("    - "))
        assert line == block_end - 1
        assert ("ask_balance", text) in examples_of(data / file)
    untouched = set(originals) - {file for _, file in NEW.values()}
    assert all((data / name).read_text(encoding="utf-8") == originals[name] for name in untouched)
    assert [(item.export_status, item.export_note) for item in items(database)] == [
        ("written", f"nlu/{file}") for _, file in NEW.values()]


def test_the_borrowers_words_are_written_as_written(database, data):
    settled(database, ("王伟 13800138000 下周还我这笔", "promise_to_pay"))
    run(database, data)
    assert ("promise_to_pay", "王伟 13800138000 下周还我这笔") in examples_of(data / "zh_hans.yml")


def test_an_intent_the_file_has_no_block_for_gets_one_at_the_end(database, tmp_path):
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    source = 'version: "3.1"\n\n# greetings\nnlu:\n- intent: greet\n  examples: |\n    - hi\n\n# the end\n'
    (nlu / "en.yml").write_text(source, encoding="utf-8")
    settled(database, ("hello hello friend", "greet"), ("am I talking to a machine", "bot_challenge"))
    run(database, nlu)
    written = (nlu / "en.yml").read_text(encoding="utf-8")
    assert written == ('version: "3.1"\n\n# greetings\nnlu:\n- intent: greet\n  examples: |\n    - hi\n'
                       '    - hello hello friend\n\n# the end\n'
                       '- intent: bot_challenge\n  examples: |\n    - am I talking to a machine\n')
    assert yaml.safe_load(written)["nlu"][1] == {"intent": "bot_challenge",
                                                 "examples": "- am I talking to a machine\n"}


def test_a_missing_languages_file_is_made(database, tmp_path):
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    settled(database, ("hi 你好呀 there", "greet"))
    run(database, nlu)
    assert examples_of(nlu / "mixed.yml") == [("greet", "hi 你好呀 there")]


@pytest.mark.parametrize(("text", "why"), [
    ("hi there", "it is an example already (nlu/en.yml)"),
    ("  HI   There!! ", "it is an example already (nlu/en.yml)"),  # whitespace, case, punctuation
    ("ｈｉ　ｔｈｅｒｅ", "it is an example already (nlu/en.yml)"),  # full width
    ("我還欠多少錢", "it is an example already (nlu/zh_hans.yml)"),  # any file, any script
    ("Good morning there!", "it is in the evaluation set heldout en, which is never trained on"),
    ("嗨，客服在嗎", "it is in the evaluation set heldout zh, which is never trained on"),
    ("I'll pay [500](amount) on friday", "it cannot stand as one example line"),
])
def test_what_is_never_written(database, data, text, why):
    before = {path.name: path.read_text(encoding="utf-8") for path in data.glob("*.yml")}
    [item_id] = settled(database, (text, "greet"))
    plan = run(database, data)
    assert plan.written == ()
    [skipped] = plan.skipped
    assert (skipped.id, why in skipped.why) == (item_id, True), skipped.why
    assert {path.name: path.read_text(encoding="utf-8") for path in data.glob("*.yml")} == before
    [item] = items(database)
    assert (item.export_status, item.export_note) == ("skipped", skipped.why)  # and not tried again


def test_two_items_with_the_same_words_are_one_example(database, data):
    first, second = settled(database, ("hows my tab looking this month pal", "ask_balance"),
                            ("Hows my tab looking this month, pal?", "ask_balance"))
    plan = run(database, data)
    assert [one.id for one in plan.written] == [first]
    assert [(one.id, one.why) for one in plan.skipped] == [
        (second, f"it is an example already (review item {first}, exported now)")]


def test_discarded_and_open_items_are_not_exported(database, data):
    settled(database, ("hows my tab looking this month pal", "ask_balance"), how="discard")
    with database.transaction() as session:
        review(session, "an open one nobody settled yet", key="open")
    plan = run(database, data)
    assert (plan.written, plan.skipped) == ((), ())
    assert report(plan, data, dry_run=False) == "nothing to export: no settled review item is waiting"


def test_exporting_again_writes_nothing_new(database, data):
    settled(database, *((text, "ask_balance") for text in NEW))
    run(database, data)
    after = {path.name: path.read_text(encoding="utf-8") for path in data.glob("*.yml")}
    again = run(database, data)
    assert (again.written, again.skipped) == ((), ())
    assert {path.name: path.read_text(encoding="utf-8") for path in data.glob("*.yml")} == after


def test_a_dry_run_changes_nothing(database, data):
    before = {path.name: path.read_text(encoding="utf-8") for path in data.glob("*.yml")}
    settled(database, ("hows my tab looking this month pal", "ask_balance"), ("hi there", "greet"))
    plan = run(database, data, dry_run=True)
    assert {path.name: path.read_text(encoding="utf-8") for path in data.glob("*.yml")} == before
    assert [item.export_status for item in items(database)] == [None, None]
    printed = report(plan, data, dry_run=True)
    assert f"{data / 'en.yml'}: would add 1 (ask_balance 1)" in printed
    assert "  + ask_balance: hows my tab looking this month pal" in printed
    assert "review item 2 ('hi there'): it is an example already (nlu/en.yml)" in printed
    assert printed.endswith("dry run: nothing written, nothing marked exported")
    assert len(run(database, data).written) == 1  # and the real one writes it


def test_a_file_is_changed_by_added_lines_only_or_not_at_all():
    # A flow-style block cannot take a line at its end without being rewritten.
    source = 'version: "3.1"\nnlu:\n- {intent: greet, examples: "- hi\\n"}\n'
    with pytest.raises(NluFileError, match="would change other lines"):
        with_examples(source, {"greet": ["hello"]}, "en.yml")


def test_every_file_round_trips_unchanged():
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        source = path.read_text(encoding="utf-8")
        assert with_examples(source, {}, path.name) == source, path.name
