"""A report's independent figure families worked out side by side, from one snapshot.

Each family (the borrowers' chat figures; the loans' money and arrangements) is a few
queries that read much of the database and share nothing with the others, so on PostgreSQL
each runs on a connection of its own, in a thread of its own, at the same time: PostgreSQL
gives a query one process, and a report's families would otherwise wait for each other.
Every lane imports the snapshot of the report's own transaction (`pg_export_snapshot`), so
the figures are as consistent as if one transaction had read them all: a payment recorded
while the report runs is in all of them or in none. Elsewhere (SQLite: one writer, small
portfolios) the families run one after another in the report's session.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from bot.kpis.analytical import analytical

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")
Lane = Callable[[Session], T]
SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")  # what pg_export_snapshot returns


def side_by_side(session: Session, first: Lane[A], second: Lane[B]) -> tuple[A, B]:
    """Both lanes' results; each lane reads what `session` reads now."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return first(session), second(session)
    snapshot = session.execute(text("SELECT pg_export_snapshot()")).scalar_one()
    engine = bind.engine if isinstance(bind, Connection) else bind
    with ThreadPoolExecutor(1, thread_name_prefix="kpi-lane") as pool:
        other = pool.submit(_in_snapshot, engine, snapshot, second)
        # The first lane in this thread: one thread started per report, not two.
        return _in_snapshot(engine, snapshot, first), other.result()


def _in_snapshot(engine: Engine, snapshot: str, lane: Lane[T]) -> T:
    if not SNAPSHOT_ID.fullmatch(snapshot):  # it is written into the statement: no parameters there
        raise ValueError(f"not a snapshot id: {snapshot!r}")
    with Session(engine, future=True) as session, session.begin():
        # The snapshot is imported as the first statement of a REPEATABLE READ transaction.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        session.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
        analytical(session)
        return lane(session)
