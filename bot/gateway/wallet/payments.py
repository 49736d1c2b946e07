"""`POST /api/v1/wallet/payments` (CONTRACT §7): the wallet's ledger reports a repayment.

201 with the payment as recorded (its allocation per bill and any credit); 200 with the same
body when the same payment comes again; 409 for a known payment_id with other values; 422 for
a payment that cannot be the loan's; 400 for a malformed body; 401 without the service token.
Refusals and conflicts are audited, in a transaction of their own.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot import audit
from bot.gateway.errors import ApiError
from bot.gateway.keys import DATABASE, POLICY
from bot.gateway.wallet.auth import authenticate_wallet
from bot.gateway.wallet.body import parse_payment
from bot.jsonable import jsonable
from bot.ledger.payments import RecordedPayment, WalletPayment
from bot.ledger.recording import record_payment
from bot.ledger.refusals import PaymentConflict, PaymentRefused
from bot.money import quantize


async def post_payment(request: web.Request) -> web.Response:
    authenticate_wallet(request)
    payment = parse_payment(await request.read())  # over client_max_size: aiohttp's 413
    database = request.app[DATABASE]
    try:
        recorded = await database.run(record_payment, payment, request.app[POLICY])
    except PaymentRefused as refusal:
        await database.run(_audit_refused, payment, refusal.reason)
        raise ApiError(422, str(refusal), reason=refusal.reason) from None
    except PaymentConflict as conflict:
        await database.run(_audit_refused, payment, "payment_id_reused")
        raise ApiError(409, str(conflict)) from None
    return web.json_response(payment_json(recorded), status=201 if recorded.new else 200)


def payment_json(recorded: RecordedPayment) -> dict[str, Any]:
    payment, currency = recorded.payment, recorded.payment.currency
    return jsonable({
        "payment_id": payment.payment_id,
        "borrower_id": payment.borrower_id,
        "loan_id": payment.loan_id,
        "amount": _money(payment.amount, currency),
        "currency": currency,
        "paid_at": payment.paid_at,
        "received_at": recorded.received_at,
        "allocations": [
            {"bill_id": share.bill_id, "due_date": share.due_date,
             **{component: _money(amount, currency) for component, amount in share.components}}
            for share in recorded.bills
        ],
        "credit": _money(recorded.credit, currency),
    })


def _money(amount: Decimal, currency: str) -> str:
    return format(quantize(amount, currency), "f")  # "120.50": never an exponent


def _audit_refused(session: Session, payment: WalletPayment, reason: str) -> None:
    # Cut to the columns' sizes: what was refused may be anything the wallet sent.
    audit.record(session, audit.WALLET, "payment_refused", borrower_id=payment.borrower_id[:64],
                 loan_id=payment.loan_id[:64],
                 details={"payment_id": payment.payment_id, "reason": reason})
