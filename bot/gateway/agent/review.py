"""The review inbox API for trainers and supervisors (CONTRACT §10): list the items, read one,
settle one or many, and the intents with their names (for the trainers' page). The rules are
bot/training/'s; this module reads the request, runs them in a transaction (masking included:
it is work for a thread, not the event loop) and writes JSON.

Every answer's text is masked; the listing's total is in `X-Total-Count`, its body the list
CONTRACT §10 names. Listing and settling are audited.
"""
from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot import audit
from bot.clock import isoformat
from bot.gateway.agent.auth import authenticate_agent
from bot.gateway.errors import ApiError
from bot.gateway.keys import DATABASE
from bot.training import inbox, settling
from bot.training.inbox import Around, ReviewNotFound, ReviewView
from bot.training.intents import PREDICTABLE_EXTRA, named_intents, trainable_intents
from bot.training.query import DEFAULT_CONTEXT, InboxQuery, InboxQueryError

CONFIDENCE_DIGITS = 4


async def list_items(request: web.Request) -> web.Response:
    intents = trainable_intents()
    query = {key: ",".join(request.query.getall(key)) for key in request.query}
    try:
        asked = InboxQuery.parse(query, (*intents, *PREDICTABLE_EXTRA))
    except InboxQueryError as error:
        raise ApiError(400, str(error)) from None
    username = (await authenticate_agent(request)).username
    views, total = await request.app[DATABASE].run(_list, asked, intents, username)
    return web.json_response([item_json(view) for view in views], headers={"X-Total-Count": str(total)})


async def list_intents(request: web.Request) -> web.Response:
    """`[{"intent", "en", "zh", "relabel"}]`: what an item may be predicted as, in domain.yml's
    order, and whether it may be settled as it."""
    return web.json_response(named_intents())


async def get_item(request: web.Request) -> web.Response:
    item_id, username = _item_id(request), (await authenticate_agent(request)).username
    try:
        view = await request.app[DATABASE].run(_get, item_id, username)
    except ReviewNotFound as error:
        raise ApiError(404, str(error)) from None
    return web.json_response(item_json(view))


async def settle_one(request: web.Request) -> web.Response:
    item_id = _item_id(request)
    settlement, _ = _settlement(await _body(request), bulk=False)
    await _settle(request, (item_id,), settlement)
    view = await request.app[DATABASE].run(lambda session: inbox.get_item(
        session, item_id, DEFAULT_CONTEXT, trainable_intents()))
    return web.json_response(item_json(view))


async def settle_many(request: web.Request) -> web.Response:
    settlement, ids = _settlement(await _body(request), bulk=True)
    settled = await _settle(request, ids, settlement)
    return web.json_response({"ids": list(settled.ids), "changed": list(settled.changed)})


def item_json(view: ReviewView) -> dict[str, Any]:
    return {
        "id": view.id, "text": view.text, "language": view.language,
        "predicted_intent": view.predicted_intent, "confidence": _rounded(view.confidence),
        "at": isoformat(view.at), "reason": view.reason, "status": view.status,
        "intent": view.intent, "discarded": view.discarded, "settled_how": view.settled_how,
        "settled_by": view.settled_by, "settled_at": isoformat(view.settled_at), "exported": view.exported,
        "suggestions": [{"intent": one.intent, "confidence": _rounded(one.confidence)}
                        for one in view.suggestions],
        "context": {"before": [_around_json(one) for one in view.before],
                    "after": [_around_json(one) for one in view.after]},
    }


# --- in a transaction ------------------------------------------------------------------------


def _list(session: Session, asked: InboxQuery, intents: tuple[str, ...],
          username: str) -> tuple[list[ReviewView], int]:
    views, total = inbox.list_items(session, asked, intents)
    audit.record(session, audit.agent(username), "agent_listed_review", details={
        "status": list(asked.statuses), "offset": asked.offset, "count": len(views), "total": total})
    return views, total


def _get(session: Session, item_id: int, username: str) -> ReviewView:
    view = inbox.get_item(session, item_id, DEFAULT_CONTEXT, trainable_intents())
    audit.record(session, audit.agent(username), "agent_viewed_review", details={"review_id": item_id})
    return view


# --- helpers ---------------------------------------------------------------------------------


async def _settle(request: web.Request, ids: tuple[int, ...],
                  settlement: settling.Settlement) -> settling.Settled:
    username = (await authenticate_agent(request)).username
    try:
        return await request.app[DATABASE].run(settling.settle, ids, settlement, username,
                                               trainable_intents())
    except ReviewNotFound as error:
        raise ApiError(404, str(error), ids=error.ids) from None
    except settling.CannotSettle as error:
        raise ApiError(400, str(error), ids=error.ids) from None
    except settling.AlreadyExported as error:
        raise ApiError(409, str(error), ids=error.ids) from None


def _settlement(body: Any, *, bulk: bool) -> tuple[settling.Settlement, tuple[int, ...]]:
    try:
        return settling.parse_settlement(body, trainable_intents(), bulk=bulk)
    except settling.SettlementInvalid as error:
        if error.choices is None:
            raise ApiError(400, str(error)) from None
        raise ApiError(400, str(error), choices=list(error.choices)) from None


async def _body(request: web.Request) -> Any:
    try:
        return json.loads(await request.read() or b"null")
    except (ValueError, RecursionError):
        raise ApiError(400, settling.SHAPE) from None


def _item_id(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise ApiError(404, "no such review item")
    return int(raw)


def _around_json(message: Around) -> dict[str, Any]:
    return {"from": message.sender, "text": message.text, "at": isoformat(message.at)}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, CONFIDENCE_DIGITS)
