"""The wallet's push notification of each contact sent: a signed webhook to WALLET_PUSH_URL.

The body is JSON; `X-Outreach-Signature: sha256=<hex>` is HMAC-SHA256 with WALLET_PUSH_SECRET
over `<X-Outreach-Timestamp>.<body>`, so the wallet can refuse forgeries and replays; the
contact's key goes as `Idempotency-Key`, so a push retried after a lost answer notifies once.
A failed push is tried again with backoff (30 s, doubling, at most an hour apart) and given
up after MAX_ATTEMPTS; the message is in the app either way. A push is claimed (its next try
moved ahead) before it is sent, so two schedulers never push the same contact at once.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.db import Database
from bot.db.models import OutreachContact

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
LEASE = timedelta(minutes=2)  # a claimed push is another's to try again only after this
TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class PushTarget:
    url: str
    secret: str


@dataclass(frozen=True)
class PushCounts:
    sent: int = 0
    failed: int = 0  # this try failed; tried again later
    given_up: int = 0


def queue(database: Database, contact_ids: list[int]) -> None:
    """The contacts just delivered await their push."""
    if contact_ids:
        with database.transaction() as session:
            session.execute(update(OutreachContact).where(OutreachContact.id.in_(contact_ids))
                            .values(push_status="pending", push_next_at=utcnow()))


def push_due(database: Database, target: PushTarget, now: datetime | None = None) -> PushCounts:
    now = now or utcnow()
    with database.transaction() as session:
        due = _claim(session, now)
    sent = failed = given_up = 0
    for contact_id, body, key, attempts in due:
        error = _post(target, body, key)
        with database.transaction() as session:
            _note(session, contact_id, attempts + 1, error, utcnow())
        if error is None:
            sent += 1
        elif attempts + 1 >= MAX_ATTEMPTS:
            given_up += 1
        else:
            failed += 1
    return PushCounts(sent, failed, given_up)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _claim(session: Session, now: datetime) -> list[tuple[int, bytes, str, int]]:
    rows = session.execute(
        select(OutreachContact).where(
            OutreachContact.push_status == "pending",
            or_(OutreachContact.push_next_at.is_(None), OutreachContact.push_next_at <= now))
        .order_by(OutreachContact.id).limit(200).with_for_update(skip_locked=True)).scalars().all()
    claimed = []
    for row in rows:
        row.push_next_at = now + LEASE
        claimed.append((row.id, _body(row), row.key, row.push_attempts))
    return claimed


def _body(row: OutreachContact) -> bytes:
    return json.dumps({
        "contact_id": row.id, "borrower_id": row.borrower_id, "loan_id": row.loan_id,
        "conversation_id": row.conversation_id, "stage": row.stage, "language": row.language,
        "text": row.text, "buttons": row.buttons or [], "sent_at": row.at.isoformat(),
    }, ensure_ascii=False).encode()


def _post(target: PushTarget, body: bytes, key: str) -> str | None:
    """None when the wallet took it (2xx); else what went wrong."""
    timestamp = str(int(utcnow().timestamp()))
    request = urllib.request.Request(target.url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "Idempotency-Key": key,
        "X-Outreach-Timestamp": timestamp, "X-Outreach-Signature": signature(target.secret, timestamp, body),
    })
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 - the configured URL
            return None if 200 <= answer.status < 300 else f"HTTP {answer.status}"
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return f"unreachable: {error}"


def _note(session: Session, contact_id: int, attempts: int, error: str | None, now: datetime) -> None:
    row = session.get(OutreachContact, contact_id)
    row.push_attempts, row.push_error = attempts, error
    if error is None:
        row.push_status, row.push_next_at = "sent", None
    elif attempts >= MAX_ATTEMPTS:
        row.push_status, row.push_next_at = "failed", None
        logger.warning("push of outreach contact %s given up after %s tries: %s", contact_id, attempts, error)
    else:
        row.push_next_at = now + min(FIRST_WAIT * 2 ** (attempts - 1), LONGEST_WAIT)
