"""Sums of money in SQL that stay exact on every backend.

PostgreSQL adds NUMERIC exactly. SQLite keeps money as text (bot/db/types.py) and would add it
as floating point: there each amount is first turned into a whole number of ten-thousandths
(the columns' scale), which SQLite adds exactly; a float is exact to well beyond that for any
amount under 10^11.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Integer, cast, func, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

SCALE = 4  # Money is NUMERIC(19, 4)


@dataclass(frozen=True)
class Units:
    sqlite: bool

    @classmethod
    def of(cls, session: Session) -> Units:
        return cls(session.get_bind().dialect.name == "sqlite")

    def column(self, money: ColumnElement) -> ColumnElement:
        """The amount, in a form SQL adds and compares exactly."""
        if not self.sqlite:
            return money
        return cast(func.round(type_coerce(money, Float) * 10 ** SCALE), Integer)

    def amount(self, value: Any) -> Decimal:
        """A sum of `column`s, back as a Decimal."""
        if value is None:
            return Decimal(0)
        return Decimal(int(value)).scaleb(-SCALE) if self.sqlite else Decimal(value)
