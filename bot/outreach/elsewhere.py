"""Putting what a pass run outside the gateway delivered on the borrowers' live feeds: through
Redis where the gateways share it (REDIS_URL), else by asking the local gateway to (it may not
be running: the messages are in the conversations' history all the same)."""
from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence

from bot.outreach.outbox import Delivered
from bot.runtime.settings import Settings

logger = logging.getLogger(__name__)


def publish_elsewhere(settings: Settings, delivered: Sequence[Delivered]) -> str:
    """Where they went: "redis", "gateway" or "history only"."""
    if not delivered:
        return "nothing to publish"
    if settings.redis_url:
        asyncio.run(_through_redis(settings.redis_url, delivered))
        return "redis"
    return "gateway" if _through_gateway(settings, delivered) else "history only"


async def _through_redis(redis_url: str, delivered: Sequence[Delivered]) -> None:
    from bot.gateway.live.borrower_feed import borrower_channel
    from bot.gateway.shared_state import shared_state

    shared = shared_state(redis_url)
    try:
        for one in delivered:
            await shared.hub.publish(borrower_channel(one.borrower_id), one.live_event())
    finally:
        await shared.close()


def _through_gateway(settings: Settings, delivered: Sequence[Delivered]) -> bool:
    url = f"http://127.0.0.1:{settings.gateway_port}/api/v1/wallet/outreach/delivered"
    body = json.dumps({"contact_ids": [one.contact_id for one in delivered]}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {settings.wallet_service_token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
            return bool(200 <= answer.status < 300)
    except (urllib.error.URLError, OSError) as error:
        logger.info("no gateway to put the messages on live feeds (%s)", error)
        return False
