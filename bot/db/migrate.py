"""Alembic, driven from code so that every command can bring the schema up to date."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import NameFilterParentNames, NameFilterType
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Tables in the same database that are not the project's: Rasa's SQL tracker store keeps the
# conversation trackers in `events` (bot/runtime/stores.py). Autogenerate must not drop them.
FOREIGN_TABLES = frozenset({"events"})


def include_name(name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames) -> bool:
    """Alembic's filter (autogenerate, compare_metadata): the project's schema only."""
    return not (type_ == "table" and name in FOREIGN_TABLES)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


@cache
def head_revision() -> str:
    """The newest migration: what `alembic_version` holds once the schema is up to date."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS}")
    return head
