"""Settling review items: each is an example of an intent (named, the predicted one confirmed,
or out_of_scope) or discarded (not an example of anything: junk, a half sentence).

All or nothing: one unknown id, one item that cannot be settled so, and nothing changes.
Settling again as before changes nothing (and records nothing); settling otherwise settles
anew, unless the item is in the training data already (exported: change it there). Every
change is kept on the item (who, when, how) and audited (`review_settled`).
"""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.clock import utcnow
from bot.db.models import ReviewItem
from bot.training.inbox import ReviewNotFound
from bot.understanding import OUT_OF_SCOPE

INTENT, CORRECT, OUT_OF_SCOPE_HOW, DISCARD = "intent", "correct", "out_of_scope", "discard"
HOW = (INTENT, CORRECT, OUT_OF_SCOPE_HOW, DISCARD)  # the body's keys, one of them
MAX_IDS = 500
SHAPE = ('the body is a JSON object with one of {"intent": "<intent>"}, {"discard": true}, '
         '{"correct": true} or {"out_of_scope": true}')


class SettlementInvalid(ValueError):
    """A body that settles nothing; `choices` are the intents, when it named another."""

    def __init__(self, message: str, choices: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.choices = choices


class CannotSettle(ValueError):
    """Items that cannot be settled as asked (confirming a prediction that is no intent)."""

    def __init__(self, message: str, ids: Collection[int]) -> None:
        super().__init__(message)
        self.ids = sorted(ids)


class AlreadyExported(Exception):
    def __init__(self, ids: Collection[int]) -> None:
        super().__init__(f"review item {', '.join(map(str, sorted(ids)))} is in the training data already "
                         f"under another intent: change it in data/nlu")
        self.ids = sorted(ids)


@dataclass(frozen=True)
class Settlement:
    how: str  # one of HOW
    intent: str | None = None  # the intent named (how == intent)

    def outcome(self, predicted: str | None) -> tuple[str | None, bool]:
        """(the intent it is an example of, discarded) for an item predicted as `predicted`."""
        if self.how == DISCARD:
            return None, True
        if self.how == OUT_OF_SCOPE_HOW:
            return OUT_OF_SCOPE, False
        return (predicted if self.how == CORRECT else self.intent), False


@dataclass(frozen=True)
class Settled:
    ids: tuple[int, ...]  # every item asked for, each settled as asked now
    changed: tuple[int, ...]  # those this call changed (the others were so already)


def parse_settlement(body: Any, intents: Sequence[str], *,
                     bulk: bool = False) -> tuple[Settlement, tuple[int, ...]]:
    """The settlement a request body asks for, and (bulk) the ids it names."""
    if not isinstance(body, Mapping):
        raise SettlementInvalid(SHAPE + (' and "ids"' if bulk else ""))
    allowed = {*HOW, "ids"} if bulk else set(HOW)
    unknown = sorted(str(key) for key in body if key not in allowed)
    given = [key for key in HOW if key in body]
    if unknown or len(given) != 1:
        raise SettlementInvalid(SHAPE + (' and "ids"' if bulk else "")
                                + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
    how, value = given[0], body[given[0]]
    if how == INTENT:
        if not isinstance(value, str) or value not in intents:
            raise SettlementInvalid(f"intent is one of the domain's intents: {', '.join(intents)}", intents)
        settlement = Settlement(INTENT, value)
    elif value is not True:
        raise SettlementInvalid(f'"{how}" takes true')
    else:
        settlement = Settlement(how)
    return settlement, (_ids(body.get("ids")) if bulk else ())


def settle(session: Session, ids: Sequence[int], settlement: Settlement, username: str,
           intents: Collection[str]) -> Settled:
    wanted = tuple(dict.fromkeys(ids))
    items = {item.id: item for item in session.execute(
        select(ReviewItem).where(ReviewItem.id.in_(wanted)).with_for_update()).scalars()}
    missing = [item_id for item_id in wanted if item_id not in items]
    if missing:
        raise ReviewNotFound(missing)
    outcomes = {item_id: settlement.outcome(item.predicted_intent) for item_id, item in items.items()}
    unknown = [item_id for item_id, (intent, discarded) in outcomes.items()
               if not discarded and intent not in intents]
    if unknown:  # only "correct" can come to this: the model predicted no intent of the domain
        raise CannotSettle("the prediction of review item "
                           f"{', '.join(map(str, sorted(unknown)))} is no intent to confirm: name the intent",
                           unknown)
    changing = [item_id for item_id in wanted if not _settled_so(items[item_id], outcomes[item_id])]
    exported = [item_id for item_id in changing if items[item_id].export_status == "written"]
    if exported:
        raise AlreadyExported(exported)
    now, events = utcnow(), []
    for item_id in changing:
        item, (intent, discarded) = items[item_id], outcomes[item_id]
        previous = None if item.status != "settled" else {
            "intent": item.intent, "discarded": item.discarded, "by": item.settled_by}
        item.status, item.intent, item.discarded = "settled", intent, discarded
        item.settled_how, item.settled_by, item.settled_at = settlement.how, username, now
        # A settlement the last export skipped is considered again by the next.
        item.export_status = item.export_note = item.exported_at = None
        events.append({"conversation_id": item.conversation_id, "details": {
            "review_id": item_id, "how": settlement.how, "intent": intent, "discarded": discarded,
            "previous": previous}})
    audit.record_many(session, audit.agent(username), "review_settled", events)
    return Settled(wanted, tuple(changing))


def _settled_so(item: ReviewItem, outcome: tuple[str | None, bool]) -> bool:
    return item.status == "settled" and (item.intent, item.discarded) == outcome


def _ids(value: Any) -> tuple[int, ...]:
    if (not isinstance(value, list) or not value or len(value) > MAX_IDS
            or not all(type(one) is int and 0 < one < 2**63 for one in value)):  # bool is no id
        raise SettlementInvalid(f'"ids" is a list of 1 to {MAX_IDS} review item ids')
    return tuple(dict.fromkeys(value))
