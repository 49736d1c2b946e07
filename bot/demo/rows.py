"""The rows a demo portfolio is made of: plain dicts per table (bot/demo/writing.py writes
them), the tables in the order they are written, and the numbering of the rows the generator
gives ids."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]
Rows = dict[str, list[Row]]

# In the order they are written: a table after those its rows refer to.
TABLES = ("borrowers", "loans", "bills", "conversations", "messages", "payments", "payment_allocations",
          "arrangements", "arrangement_bills", "handoffs", "outreach_contacts", "audit_events")
BORROWER_PREFIX, LOAN_PREFIX, PAYMENT_PREFIX = "p-", "PL-", "pp-"


@dataclass
class Ids:
    """The next number of each kind of row, carried from batch to batch. The database's own
    ids (bills, messages, handoffs) start after what it holds; the rest start at 1."""

    borrower: int = 1
    loan: int = 1
    payment: int = 1
    bill: int = 1
    message: int = 1
    handoff: int = 1

    def take(self, name: str) -> int:
        number: int = getattr(self, name)
        setattr(self, name, number + 1)
        return number
