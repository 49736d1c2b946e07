"""The kinds of arrangement, each defined once (bot/arrangements/kinds/base.py says what a
definition holds). A new kind is a module here, listed in KINDS, plus its responses in
domain.yml and its section in policy.yml."""
from __future__ import annotations

import logging
from typing import Any, Protocol

from bot.arrangements.kinds.base import Due, Field, Invalid, Kind, Situation
from bot.arrangements.kinds.deferral import DEFERRAL
from bot.arrangements.kinds.instalment_plan import INSTALMENT_PLAN
from bot.arrangements.kinds.promise import PROMISE_TO_PAY

__all__ = ["DEFERRAL", "INSTALMENT_PLAN", "KINDS", "PROMISE_TO_PAY", "Due", "Field", "Invalid", "Kind",
           "Situation", "UnknownKind", "kind_for_intent", "kind_named", "kind_of", "readable"]

logger = logging.getLogger(__name__)

KINDS: tuple[Kind[Any, Any], ...] = (DEFERRAL, INSTALMENT_PLAN, PROMISE_TO_PAY)
NAMES = tuple(kind.name for kind in KINDS)


class UnknownKind(ValueError):
    pass


def kind_named(name: object) -> Kind[Any, Any]:
    found = next((kind for kind in KINDS if kind.name == name), None)
    if found is None:
        raise UnknownKind(f"unknown arrangement type {name!r}: one of {', '.join(NAMES)}")
    return found


def kind_for_intent(intent: str | None) -> Kind[Any, Any] | None:
    return next((kind for kind in KINDS if kind.intent == intent), None)


def kind_of(terms: object) -> Kind[Any, Any]:
    found = next((kind for kind in KINDS if isinstance(terms, kind.terms_type)), None)
    if found is None:
        raise UnknownKind(f"no kind of arrangement has terms like {type(terms).__name__}")
    return found


class Stored(Protocol):
    """An arrangement as the database keeps it (bot.db.models.Arrangement)."""

    id: Any
    type: Any
    terms: Any


def readable(arrangement: Stored) -> tuple[Kind[Any, Any], Any] | None:
    """The stored arrangement's kind and typed terms; None (and a warning) for terms this
    version cannot read, which must not hide the rest of the loan or the borrower."""
    try:
        kind = kind_named(arrangement.type)
        return kind, kind.from_json(arrangement.terms)
    except (UnknownKind, KeyError, TypeError, ValueError, ArithmeticError):
        logger.warning("arrangement %s has terms of an unknown shape", arrangement.id)
        return None
