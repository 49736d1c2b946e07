"""`python -m bot training export` as a real process, on SQLite and PostgreSQL, into a copy of
data/nlu (`--data`): a dry run first, then the export, then one with nothing left to write."""
from __future__ import annotations

import shutil

from bot.db import Database
from bot.runtime.settings import PROJECT_ROOT
from bot.training.intents import trainable_intents
from bot.training.nlu_files import examples_of
from bot.training.settling import Settlement, settle
from tests.runtime.test_cli import bot
from tests.training.support import review


def test_dry_run_export_and_again(database_url, tmp_path):
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", tmp_path / "nlu")
    database = Database(database_url)
    try:
        database.upgrade()
        with database.transaction() as session:
            ids = [review(session, "hows my tab looking this month pal", key="a").id,
                   review(session, "hi there", key="b").id]
            settle(session, ids, Settlement("intent", "ask_balance"), "tess", trainable_intents())
    finally:
        database.dispose()
    en = tmp_path / "nlu" / "en.yml"
    before = en.read_text(encoding="utf-8")

    dry = bot("training", "export", "--dry-run", "--data", str(tmp_path), url=database_url)
    assert dry.returncode == 0, dry.stderr
    assert f"{en}: would add 1 (ask_balance 1)" in dry.stdout
    assert "  + ask_balance: hows my tab looking this month pal" in dry.stdout
    assert f"review item {ids[1]} ('hi there'): it is an example already (nlu/en.yml)" in dry.stdout
    assert en.read_text(encoding="utf-8") == before

    done = bot("training", "export", "--data", str(tmp_path), url=database_url)
    assert done.returncode == 0, done.stderr
    assert f"{en}: added 1 (ask_balance 1)" in done.stdout
    assert ("ask_balance", "hows my tab looking this month pal") in examples_of(en)

    again = bot("training", "export", "--data", str(tmp_path), url=database_url)
    assert (again.returncode, again.stdout) == (0, "nothing to export: no settled review item is waiting\n")


def test_no_training_data_there(database_url, tmp_path):
    result = bot("training", "export", "--data", str(tmp_path / "nowhere"), url=database_url)
    assert (result.returncode, result.stderr) == (1, f"no training data at {tmp_path / 'nowhere' / 'nlu'}\n")
