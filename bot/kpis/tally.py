"""Tallies by name (handoffs by reason, arrangements by type …), added group to group."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

Number = TypeVar("Number", int, Decimal)


def added(first: Mapping[str, Number], second: Mapping[str, Number]) -> dict[str, Number]:
    """Both tallies, name by name."""
    both = dict(first)
    for name, count in second.items():
        both[name] = both[name] + count if name in both else count
    return both
