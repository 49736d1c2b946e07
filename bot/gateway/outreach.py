"""Outreach in the gateway: a pass every OUTREACH_EVERY_SECONDS in each gateway process (the
outbox keeps several from writing anything twice), its messages on the borrowers' live feeds;
and the wallet-side endpoint a pass run elsewhere (`python -m bot outreach run`) calls to put
what it delivered on those feeds."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.db.models import OutreachContact
from bot.gateway.errors import ApiError
from bot.gateway.keys import DATABASE, HUB, POLICY, SETTINGS, STRATEGY
from bot.gateway.live.borrower_feed import borrower_channel
from bot.gateway.wallet.auth import authenticate_wallet
from bot.outreach.outbox import Delivered
from bot.outreach.service import outreach_pass, push_target

logger = logging.getLogger(__name__)

FIRST_PASS_DELAY = 30.0  # seconds after start: Rasa and the database are up by then


async def scheduler(app: web.Application) -> AsyncIterator[None]:
    """A cleanup context: the passes run while the gateway does."""
    every = app[SETTINGS].outreach_every
    task = asyncio.create_task(_passes(app, every)) if every > 0 else None
    yield
    if task is not None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _passes(app: web.Application, every: float) -> None:
    strategy, target = app[STRATEGY], push_target(app[SETTINGS])
    await asyncio.sleep(min(FIRST_PASS_DELAY, every))
    while True:
        try:
            report, pushes = await asyncio.get_running_loop().run_in_executor(
                None, outreach_pass, app[DATABASE], strategy, app[POLICY], utcnow(), target)
            await publish(app, report.delivered)
            logger.info("outreach pass: %s loans read, %s sent, %s held back, %s pushed",
                        report.loans_read, len(report.delivered),
                        sum(report.reasons().values()), pushes.sent)
        except Exception:  # a database that is down: the next pass tries again
            logger.exception("outreach pass failed; trying again in %s s", every)
        await asyncio.sleep(every)


async def publish(app: web.Application, delivered: Iterable[Delivered]) -> None:
    for one in delivered:
        await app[HUB].publish(borrower_channel(one.borrower_id), one.live_event())


async def post_delivered(request: web.Request) -> web.Response:
    """POST /api/v1/wallet/outreach/delivered {"contact_ids": [...]}: the contacts a pass run
    in another process delivered, put on the borrowers' live feeds (sent ones only)."""
    authenticate_wallet(request)
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, "the body must be JSON") from None
    ids = body.get("contact_ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids) \
            or len(ids) > 10_000:
        raise ApiError(400, "contact_ids must be a list of at most 10,000 contact ids")
    delivered = await request.app[DATABASE].run(_sent, ids)
    await publish(request.app, delivered)
    return web.json_response({"published": len(delivered)})


def _sent(session: Session, ids: list[int]) -> list[Delivered]:
    rows = session.execute(select(OutreachContact).where(
        OutreachContact.id.in_(ids), OutreachContact.status == "sent")).scalars()
    return [Delivered(r.id, r.borrower_id, r.conversation_id, r.text, list(r.buttons or [])) for r in rows]
