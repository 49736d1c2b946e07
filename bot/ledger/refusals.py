"""What a payment must be for the ledger to record it on a loan; anything else is refused
with a reason and words that say what is wrong (the wallet API's 422)."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from bot.db.models import Loan
from bot.ledger.payments import WalletPayment
from bot.money import code_amount, minor_unit, quantize

# No repayment of a consumer loan comes near 1,000,000,000 minor units (CNY 10,000,000.00,
# JPY 1,000,000,000): one above is a mistake, refused rather than allocated.
MAX_MINOR_UNITS = 10**9
# The wallet's clock and ours may differ a little: a payment up to this far ahead is "now".
CLOCK_SKEW = timedelta(minutes=5)


class PaymentRefused(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class PaymentConflict(Exception):
    """A known payment_id with other values: the wallet must not reuse an id."""


def check_amount(amount: Decimal, currency: str) -> None:
    if amount <= 0:
        raise PaymentRefused("amount_not_positive", "amount must be more than zero")
    largest = Decimal(MAX_MINOR_UNITS).scaleb(-minor_unit(currency))
    if amount > largest:  # first: quantizing thousands of digits would overflow the context
        raise PaymentRefused("amount_too_large", "amount is above the largest payment accepted, "
                                                 f"{code_amount(largest, currency)}")
    if quantize(amount, currency) != amount:
        raise PaymentRefused("too_many_decimals",
                             f"amount has more decimals than {currency}'s {minor_unit(currency)}")


def check_paid_at(paid_at: datetime, now: datetime) -> None:
    if paid_at > now + CLOCK_SKEW:
        raise PaymentRefused("paid_in_the_future", "paid_at is in the future")


def check_loan(payment: WalletPayment, loan: Loan | None) -> Loan:
    if loan is None:
        raise PaymentRefused("unknown_loan", f"there is no loan {payment.loan_id}")
    if loan.borrower_id != payment.borrower_id:
        raise PaymentRefused("another_borrower", f"loan {loan.id} is not borrower {payment.borrower_id}'s")
    if loan.currency != payment.currency:
        raise PaymentRefused("another_currency",
                             f"loan {loan.id} is in {loan.currency}, not {payment.currency}")
    return loan
