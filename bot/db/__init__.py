"""Persistence: SQLAlchemy models, engine/session handling and Alembic migrations."""
from bot.db.database import Database

__all__ = ["Database"]
