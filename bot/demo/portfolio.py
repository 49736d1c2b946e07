"""A made-up portfolio with a history of D days ending now, as plain rows per table (no
database here: bot/demo/writing.py writes them). The same seed gives the same rows.

Each borrower's history is simulated in time order (bot/demo/history.py), every event (a
payment, a late fee, an outreach pass, a reply, an agent's step, an arrangement's review) on
the state the events before it left, and judged by the real rules rather than made to look
right: a payment is allocated by the ledger's rule (bot/ledger/allocation.py); a contact is
planned, segmented, worded and held back by the outreach code (bot/outreach/); an arrangement
is offered by its kind's eligibility, its terms made by the kind and judged kept or broken by
the review's judgment (bot/arrangements/); the bot says domain.yml's responses. So the
invariants the code relies on hold, and a dashboard shows what the real code would have
produced.

Outreach is written about the bills that fall overdue (from their D-3 reminder on, stopping
once paid); a bill the borrower pays on time has no reminders here, unlike in a live pass.
"""
from __future__ import annotations

import random
from operator import itemgetter

from bot.demo.history import BorrowerRun
from bot.demo.rows import TABLES, Ids, Rows
from bot.demo.world import World

# Rows without ids of their own are numbered by the database as written: in time order.
TIME_ORDERED = (("payments", "received_at"), ("outreach_contacts", "at"), ("audit_events", "at"))


class Portfolio:
    """Borrowers in order, a batch at a time, from one seeded generator: the rows of borrower
    n are the same whatever the batch size."""

    def __init__(self, world: World, seed: int, ids: Ids | None = None) -> None:
        self.world, self.ids = world, ids or Ids()
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets: reproducible on purpose

    def batch(self, count: int) -> Rows:
        rows: Rows = {table: [] for table in TABLES}
        for _ in range(count):
            BorrowerRun(self.world, self.rng, self.ids, rows).run()
        for table, moment in TIME_ORDERED:
            rows[table].sort(key=itemgetter(moment))
        return rows
