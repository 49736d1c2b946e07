"""`python -m bot demo portfolio --borrowers N --days D [--seed S] [--replace]`: a made-up
portfolio with D days of history, for the supervisors' dashboard on a fresh database.

Refused when the database has a portfolio already (borrowers `p-…`), unless `--replace`
deletes it first, so that a second run never doubles it. Written a batch of borrowers at a
time, each batch its own transaction, while a child process generates the next batch: the
simulation and the database's writing each have a core.
"""
from __future__ import annotations

import multiprocessing
import queue
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from multiprocessing.process import BaseProcess
from typing import Any

from bot.arrangements.policy import PolicyError, load_policy
from bot.clock import utcnow
from bot.db import Database
from bot.demo.portfolio import Portfolio
from bot.demo.rows import BORROWER_PREFIX, TABLES, Rows
from bot.demo.world import World
from bot.demo.writing import delete_portfolio, first_ids, has_portfolio, move_sequences, write_rows
from bot.outreach.errors import StrategyError
from bot.outreach.strategy import load_strategy

BATCH = 1_000  # borrowers a transaction: small enough that generating and writing overlap well
AHEAD = 2  # batches generated and not yet written, at most (each holds its rows in memory)


def run(database: Database, borrowers: int, days: int, seed: int, replace: bool,
        now: datetime | None = None, batch: int = BATCH) -> int:
    started = time.perf_counter()
    try:
        world = World((now or utcnow()).replace(microsecond=0), days, load_strategy(), load_policy())
    except (StrategyError, PolicyError, OSError) as error:
        print(str(error), file=sys.stderr)
        return 1
    with database.transaction() as session:
        if has_portfolio(session) and not replace:
            print(f"the database has a demo portfolio already (borrowers {BORROWER_PREFIX}…): "
                  "nothing written; run again with --replace to replace it", file=sys.stderr)
            return 1
        deleted = delete_portfolio(session) if replace else 0
        ids = first_ids(session)
    portfolio, counts = Portfolio(world, seed, ids), Counter[str]()
    for rows in _generated(portfolio, list(_batches(borrowers, batch))):
        with database.transaction() as session:
            write_rows(session, rows)
        counts.update({table: len(found) for table, found in rows.items()})
    with database.transaction() as session:
        move_sequences(session)
    print(_summary(counts, deleted, days, time.perf_counter() - started))
    return 0


def _generated(portfolio: Portfolio, sizes: list[int]) -> Iterator[Rows]:
    """Each batch's rows, from a forked child (the world's rules are not picklable; the rows
    are) generating up to AHEAD batches ahead of the writing: the same rows, in the same order,
    as generating them here."""
    context = multiprocessing.get_context("fork")
    batches: Any = context.Queue(maxsize=AHEAD)
    child = context.Process(target=_generate, args=(portfolio, sizes, batches), daemon=True)
    child.start()
    try:
        for _ in sizes:
            yield _received(batches, child)
    finally:
        if child.is_alive():  # the writing failed: the rest is not wanted
            child.terminate()
        child.join()


def _generate(portfolio: Portfolio, sizes: list[int], batches: Any) -> None:
    try:
        for size in sizes:
            batches.put((None, portfolio.batch(size)))
    except BaseException:  # noqa: BLE001 - whatever it is, the parent reports it
        batches.put((traceback.format_exc(), None))


def _received(batches: Any, child: BaseProcess) -> Rows:
    while True:
        try:
            failure, rows = batches.get(timeout=1)
        except queue.Empty:
            if not child.is_alive():
                raise RuntimeError(f"the portfolio's generator stopped (exit {child.exitcode})") from None
            continue
        if failure is not None:
            raise RuntimeError(f"the portfolio's generator failed:\n{failure}")
        return rows


def _batches(total: int, size: int) -> Iterator[int]:
    for start in range(0, total, size):
        yield min(size, total - start)


def _summary(counts: Counter[str], deleted: int, days: int, seconds: float) -> str:
    replaced = f" (replacing {deleted} borrowers)" if deleted else ""
    tables = ", ".join(f"{counts[table]} {table.replace('_', ' ')}" for table in TABLES)
    return f"demo portfolio of {days} days{replaced}: {tables}; in {seconds:.1f} s"
