"""A payment report on its way in: the JSON body, read into the ledger's typed WalletPayment.

A body that is not a JSON object of the six fields, each a string, is malformed (400); an
amount or a time that is text but not one, is a value the ledger cannot take (422, with the
ledger's own refusals: bot/ledger/refusals.py).
"""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from dateutil.parser import isoparse

from bot.gateway.errors import ApiError
from bot.ledger.payments import WalletPayment
from bot.money import PLAIN_DECIMAL

FIELDS = ("payment_id", "borrower_id", "loan_id", "amount", "currency", "paid_at")
BAD_BODY = f"the body must be a JSON object with the strings {', '.join(FIELDS)}"
LONGEST_ID = 128  # payments.payment_id


def parse_payment(raw: bytes) -> WalletPayment:
    try:
        body = json.loads(raw) if raw else None
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        raise ApiError(400, BAD_BODY) from None
    if not isinstance(body, dict) or not all(_is_text(body.get(name)) for name in FIELDS):
        raise ApiError(400, BAD_BODY)
    if len(body["payment_id"]) > LONGEST_ID:
        raise ApiError(400, f"payment_id is longer than {LONGEST_ID} characters")
    return WalletPayment(
        payment_id=body["payment_id"], borrower_id=body["borrower_id"], loan_id=body["loan_id"],
        amount=_amount(body["amount"]), currency=body["currency"], paid_at=_moment(body["paid_at"]),
    )


def _is_text(value: object) -> bool:
    """A non-empty string a database can store: no NUL, no lone surrogate ("\\ud800")."""
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _amount(text: str) -> Decimal:
    if not PLAIN_DECIMAL.fullmatch(text.strip()):
        raise ApiError(422, f'amount must be a decimal in a string, like "120.50", not {text[:40]!r}',
                       reason="not_an_amount")
    return Decimal(text.strip())


def _moment(text: str) -> datetime:
    try:
        moment = isoparse(text.strip())
    except (ValueError, OverflowError):
        moment = None
    if moment is None or moment.tzinfo is None or moment.utcoffset() is None:
        raise ApiError(422, "paid_at must be an ISO-8601 time with its zone, like "
                            "2026-11-23T10:15:00+08:00", reason="not_a_time")
    return moment
