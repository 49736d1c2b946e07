"""`python -m bot db load FILE.yml`: create or update borrowers, loans and their schedules.

The file is validated whole before anything is written, and every error names its place
(e.g. `borrowers[0].loans[1].bills[2].due_date`), so a bad file changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.arrangements.coverage import ever_covered
from bot.db.models import Bill, Borrower, Loan
from bot.ledger.owing import allocated_to
from bot.loans.locking import lock_loan
from bot.money import InvalidAmount, code_amount, parse_amount

LANGUAGES = ("zh", "en")


class FixtureError(ValueError):
    pass


@dataclass
class BillSpec:
    due_date: date
    principal: Decimal
    interest: Decimal
    late_fee: Decimal
    paid: Decimal


@dataclass
class LoanSpec:
    id: str
    currency: str
    principal: Decimal
    bills: list[BillSpec] = field(default_factory=list)


@dataclass
class BorrowerSpec:
    id: str
    name: str
    language: str
    timezone: str
    loans: list[LoanSpec] = field(default_factory=list)


class _ExactLoader(yaml.SafeLoader):
    """Reads `60.00` as the decimal it says, not as a float."""


def _exact_number(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    text = loader.construct_scalar(node)
    try:
        return Decimal(text)
    except ArithmeticError:  # .nan, .inf, 1_000.5: left as text for the field to refuse
        return text


def _scalar_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _exact_number)
# Unquoted dates stay text, so that 2026-02-30 is refused with its place like a quoted one.
_ExactLoader.add_constructor("tag:yaml.org,2002:timestamp", _scalar_text)


def parse_fixture_text(text: str) -> list[BorrowerSpec]:
    try:
        document = yaml.load(text, Loader=_ExactLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ArithmeticError) as error:
        raise FixtureError(f"not valid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("borrowers"), list):
        raise FixtureError("the file must have a top-level 'borrowers' list")
    specs = [_borrower(item, f"borrowers[{i}]") for i, item in enumerate(document["borrowers"])]
    _check_unique([s.id for s in specs], "borrower id")
    _check_unique([loan.id for s in specs for loan in s.loans], "loan id")
    return specs


def load_fixture(session: Session, specs: list[BorrowerSpec], actor: str = audit.SYSTEM) -> dict[str, int]:
    counts = {"borrowers": 0, "loans": 0, "bills": 0}
    for spec in specs:
        borrower = session.get(Borrower, spec.id) or Borrower(id=spec.id)
        borrower.name, borrower.language, borrower.timezone = spec.name, spec.language, spec.timezone
        session.add(borrower)
        counts["borrowers"] += 1
        for loan_spec in spec.loans:
            _upsert_loan(session, spec.id, loan_spec)
            counts["loans"] += 1
            counts["bills"] += len(loan_spec.bills)
    audit.record(session, actor, "fixture_loaded", details=counts)
    return counts


def _upsert_loan(session: Session, borrower_id: str, spec: LoanSpec) -> None:
    # Locked like a payment's recording locks it: Bill.paid is read and written below.
    loan = lock_loan(session, spec.id) if session.get(Loan, spec.id) is not None else None
    if loan is not None and loan.borrower_id != borrower_id:
        raise FixtureError(f"loan {spec.id} belongs to borrower {loan.borrower_id}, not {borrower_id}")
    loan = loan or Loan(id=spec.id, borrower_id=borrower_id)
    loan.currency, loan.principal = spec.currency, spec.principal
    session.add(loan)
    session.flush()
    existing = {
        bill.due_date: bill
        for bill in session.execute(select(Bill).where(Bill.loan_id == spec.id)).scalars()
    }
    paid_in = allocated_to(session, [bill.id for bill in existing.values()])
    # An arrangement's record of the bills it covered is history, like a payment's.
    arranged = ever_covered(session, [bill.id for bill in existing.values()])
    wanted = {bill.due_date for bill in spec.bills}
    for due_date, bill in existing.items():
        if due_date not in wanted:  # the file's schedule is the loan's schedule
            if bill.id in paid_in or bill.id in arranged:
                what = "payments allocated to it" if bill.id in paid_in else "an arrangement covering it"
                raise FixtureError(f"loan {spec.id}: the bill due {due_date} has {what}, so it cannot "
                                   "be left out")
            session.delete(bill)
    for bill_spec in spec.bills:
        bill = existing.get(bill_spec.due_date) or Bill(loan_id=spec.id, due_date=bill_spec.due_date)
        allocated = paid_in.get(bill.id, {})  # a new bill (no id yet): nothing
        _check_not_below_payments(spec, bill_spec, allocated)
        bill.principal, bill.interest = bill_spec.principal, bill_spec.interest
        # The file's `paid` is what was paid before the ledger's own payments, which stay.
        # The late fee is the lender's charge as loaded; what an arrangement froze of it is
        # left out of what is owed by bot/loans/late_fees.py, never overwritten here.
        bill.late_fee, bill.opening_paid = bill_spec.late_fee, bill_spec.paid
        bill.paid = bill_spec.paid + sum(allocated.values(), Decimal(0))
        session.add(bill)


def _check_not_below_payments(loan: LoanSpec, spec: BillSpec, allocated: dict[str, Decimal]) -> None:
    for component, amount in allocated.items():
        if getattr(spec, component) < amount:
            raise FixtureError(f"loan {loan.id}: the bill due {spec.due_date}'s {component} is less "
                               f"than the {code_amount(amount, loan.currency)} that payments already "
                               "paid to it")


def _borrower(item: Any, where: str) -> BorrowerSpec:
    item = _mapping(item, where)
    language = _text(item, "language", where, default="en")
    if language not in LANGUAGES:
        raise FixtureError(f"{where}.language: must be one of {', '.join(LANGUAGES)}, not {language!r}")
    timezone = _text(item, "timezone", where, default="UTC")
    if not _known_zone(timezone):
        raise FixtureError(f"{where}.timezone: unknown time zone {timezone!r}")
    loans = item.get("loans") or []
    if not isinstance(loans, list):
        raise FixtureError(f"{where}.loans: must be a list")
    return BorrowerSpec(
        id=_text(item, "id", where),
        name=_text(item, "name", where),
        language=language,
        timezone=timezone,
        loans=[_loan(loan, f"{where}.loans[{i}]") for i, loan in enumerate(loans)],
    )


def _loan(item: Any, where: str) -> LoanSpec:
    item = _mapping(item, where)
    currency = _text(item, "currency", where)
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise FixtureError(f"{where}.currency: must be an ISO 4217 code like CNY, not {currency!r}")
    bills = item.get("bills") or []
    if not isinstance(bills, list):
        raise FixtureError(f"{where}.bills: must be a list")
    specs = [_bill(bill, f"{where}.bills[{i}]", currency) for i, bill in enumerate(bills)]
    _check_unique([bill.due_date for bill in specs], f"{where}.bills due_date")
    return LoanSpec(
        id=_text(item, "id", where),
        currency=currency,
        principal=_amount(item, "principal", where, currency),
        bills=specs,
    )


def _bill(item: Any, where: str, currency: str) -> BillSpec:
    item = _mapping(item, where)
    raw_date = item.get("due_date")
    try:
        due_date = raw_date if isinstance(raw_date, date) else date.fromisoformat(str(raw_date))
    except ValueError as error:
        raise FixtureError(f"{where}.due_date: not a date (YYYY-MM-DD): {raw_date!r}") from error
    return BillSpec(
        due_date=due_date,
        principal=_amount(item, "principal", where, currency),
        interest=_amount(item, "interest", where, currency, default="0"),
        late_fee=_amount(item, "late_fee", where, currency, default="0"),
        paid=_amount(item, "paid", where, currency, default="0"),
    )


def _known_zone(name: str) -> bool:
    try:
        return ZoneInfo(name).key == name
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False


def _mapping(item: Any, where: str) -> dict:
    if not isinstance(item, dict):
        raise FixtureError(f"{where}: must be a mapping")
    return item


def _text(item: dict, key: str, where: str, default: str | None = None) -> str:
    value = item.get(key, default)
    if value is None or not str(value).strip():
        raise FixtureError(f"{where}.{key}: required")
    if isinstance(value, (dict, list, bool)):
        raise FixtureError(f"{where}.{key}: must be text, not {value!r}")
    return str(value).strip()


def _amount(item: dict, key: str, where: str, currency: str, default: str | None = None) -> Decimal:
    value = item.get(key, default)
    if value is None:
        raise FixtureError(f"{where}.{key}: required")
    try:
        return parse_amount(value, currency)
    except InvalidAmount as error:
        raise FixtureError(f"{where}.{key}: {error}") from error


def _check_unique(values: list, what: str) -> None:
    seen = set()
    for value in values:
        if value in seen:
            raise FixtureError(f"duplicate {what}: {value}")
        seen.add(value)
