"""The kinds of arrangement, each defined once (bot/arrangements/kinds/base.py says what a
definition holds). A new kind is a module here, listed in KINDS, plus its responses in
domain.yml and its section in policy.yml."""
from __future__ import annotations

from typing import Any

from bot.arrangements.kinds.base import Due, Field, Invalid, Kind, Situation
from bot.arrangements.kinds.deferral import DEFERRAL
from bot.arrangements.kinds.instalment_plan import INSTALMENT_PLAN
from bot.arrangements.kinds.promise import PROMISE_TO_PAY

__all__ = ["DEFERRAL", "INSTALMENT_PLAN", "KINDS", "PROMISE_TO_PAY", "Due", "Field", "Invalid", "Kind",
           "Situation", "UnknownKind", "kind_for_intent", "kind_named", "kind_of"]

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
