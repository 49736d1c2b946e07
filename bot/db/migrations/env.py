"""Alembic environment: runs migrations on the engine the caller handed over."""
from alembic import context
from sqlalchemy import create_engine

from bot.db.migrate import include_name
from bot.db.models import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(
    config.get_main_option("sqlalchemy.url"), future=True
)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,  # not Rasa's tracker table
    )
    context.run_migrations()
