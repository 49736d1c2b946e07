"""A whole outreach pass as the gateway's scheduler and the command line run it: the pass,
then the wallet's push notifications of what it delivered and of any still due a retry."""
from __future__ import annotations

from datetime import datetime

from bot.arrangements.policy import PolicyBook
from bot.db import Database
from bot.outreach import push
from bot.outreach.push import PushCounts, PushTarget
from bot.outreach.run import PassReport, run_pass
from bot.outreach.strategy import Strategy
from bot.runtime.settings import Settings


class PushNotConfigured(ValueError):
    """WALLET_PUSH_URL without the secret its pushes are signed with."""


def push_target(settings: Settings) -> PushTarget | None:
    if settings.wallet_push_url is None:
        return None
    if not settings.wallet_push_secret:
        raise PushNotConfigured("WALLET_PUSH_URL is set: set WALLET_PUSH_SECRET too, the key "
                                "its pushes are signed with")
    return PushTarget(settings.wallet_push_url, settings.wallet_push_secret)


def outreach_pass(database: Database, strategy: Strategy, book: PolicyBook, at: datetime,
                  target: PushTarget | None) -> tuple[PassReport, PushCounts]:
    report = run_pass(database, strategy, book, at)
    if target is None:
        return report, PushCounts()
    push.queue(database, [d.contact_id for d in report.delivered])
    return report, push.push_due(database, target)
