"""Settings for the KPIs' queries, which read much of the database at once."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def analytical(session: Session) -> None:
    """PostgreSQL set for the rest of the transaction to read much at once: JIT compilation off
    (it compiles each of these queries anew, about 0.2 s apiece on 100,000 borrowers, more than
    it saves them), and memory enough to add up each bill's payments without spilling to disk."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))
