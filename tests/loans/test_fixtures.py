"""bot/loans/fixtures.py (`db load`) and the demo data, on SQLite and PostgreSQL."""
from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.db.models import AuditEvent, Bill, Borrower, Loan
from bot.loans.accounts import load_account
from bot.loans.demo import demo_borrowers
from bot.loans.fixtures import FixtureError, load_fixture, parse_fixture_text
from bot.money import quantize
from tests.fixtures import CONTRACT_EXAMPLE

TODAY = date(2026, 11, 23)


def load(database, text: str) -> dict[str, int]:
    """What `python -m bot db load` does: validate the whole file, then write it in one transaction."""
    specs = parse_fixture_text(text)
    with database.transaction() as session:
        return load_fixture(session, specs)


def count(database, model) -> int:
    with database.transaction() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def bills_of(database, loan_id: str) -> list[tuple]:
    with database.transaction() as session:
        return [
            (b.due_date, b.principal, b.interest, b.late_fee, b.paid)
            for b in session.execute(
                select(Bill).where(Bill.loan_id == loan_id).order_by(Bill.due_date)).scalars()
        ]


def snapshot(database) -> dict:
    """Everything a fixture load may write, to compare before and after a refused file."""
    with database.transaction() as session:
        return {
            "borrowers": sorted((b.id, b.name, b.language, b.timezone)
                                for b in session.execute(select(Borrower)).scalars()),
            "loans": sorted((loan.id, loan.borrower_id, loan.currency, loan.principal)
                            for loan in session.execute(select(Loan)).scalars()),
            "bills": sorted((b.loan_id, b.due_date, b.principal, b.interest, b.late_fee, b.paid)
                            for b in session.execute(select(Bill)).scalars()),
            "audit": session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
        }


def test_contract_example_loads(database):
    assert load(database, CONTRACT_EXAMPLE) == {"borrowers": 1, "loans": 1, "bills": 3}
    with database.transaction() as session:
        borrower = session.get(Borrower, "b-1001")
        assert (borrower.name, borrower.language, borrower.timezone) == ("王伟", "zh", "Asia/Shanghai")
        loan = session.get(Loan, "L-1001")
        assert (loan.borrower_id, loan.currency, loan.principal) == ("b-1001", "CNY", Decimal("3000.00"))
        assert loan.collection_hold is False
        audit = session.execute(select(AuditEvent)).scalars().all()
        assert [(a.action, a.details) for a in audit] == [
            ("fixture_loaded", {"borrowers": 1, "loans": 1, "bills": 3})
        ]
    assert bills_of(database, "L-1001") == [
        (date(2026, 10, 15), Decimal("1000"), Decimal("60"), Decimal("35"), Decimal("0")),
        (date(2026, 11, 15), Decimal("1000"), Decimal("50"), Decimal("0"), Decimal("0")),
        (date(2026, 12, 15), Decimal("1000"), Decimal("40"), Decimal("0"), Decimal("0")),
    ]
    with database.transaction() as session:
        account = load_account(session, "b-1001", today=TODAY)
    assert (account.name, account.language, account.timezone, account.today) == (
        "王伟", "zh", "Asia/Shanghai", TODAY)
    [balance] = account.balances
    assert str(balance.overdue_amount) == "2145.00"
    assert balance.days_past_due == 39
    assert str(balance.outstanding) == "3185.00"
    assert balance.next_due_date == date(2026, 12, 15)


def test_load_account_of_unknown_borrower_is_none(database):
    with database.transaction() as session:
        assert load_account(session, "nobody") is None


def test_upsert_by_id(database):
    load(database, CONTRACT_EXAMPLE)
    with database.transaction() as session:
        first_ids = {b.due_date: b.id for b in session.execute(select(Bill)).scalars()}
    load(database, CONTRACT_EXAMPLE)  # the same file again: no duplicates
    assert (count(database, Borrower), count(database, Loan), count(database, Bill)) == (1, 1, 3)

    changed = (
        CONTRACT_EXAMPLE.replace("name: 王伟", "name: 王小伟")
        .replace('interest: "50.00"', 'interest: "55.25"')
        .replace('principal: "3000.00"', 'principal: "3100.00"')
        .replace('          - {due_date: "2026-12-15", principal: "1000.00", interest: "40.00"}\n', "")
        + '          - {due_date: "2027-01-15", principal: "1100.00", interest: "30.00", paid: "10.00"}\n'
    )
    assert load(database, changed) == {"borrowers": 1, "loans": 1, "bills": 3}
    assert (count(database, Borrower), count(database, Loan), count(database, Bill)) == (1, 1, 3)
    with database.transaction() as session:
        assert session.get(Borrower, "b-1001").name == "王小伟"
        assert session.get(Loan, "L-1001").principal == Decimal("3100.00")
        ids = {b.due_date: b.id for b in session.execute(select(Bill)).scalars()}
    assert bills_of(database, "L-1001") == [
        (date(2026, 10, 15), Decimal("1000"), Decimal("60"), Decimal("35"), Decimal("0")),
        (date(2026, 11, 15), Decimal("1000"), Decimal("55.25"), Decimal("0"), Decimal("0")),
        (date(2027, 1, 15), Decimal("1100"), Decimal("30"), Decimal("0"), Decimal("10")),
    ]
    # bills kept are updated in place; the bill no longer in the file is gone
    assert ids[date(2026, 10, 15)] == first_ids[date(2026, 10, 15)]
    assert ids[date(2026, 11, 15)] == first_ids[date(2026, 11, 15)]
    assert date(2026, 12, 15) not in ids


def test_a_second_borrower_is_added_beside_the_first(database):
    load(database, CONTRACT_EXAMPLE)
    load(database, textwrap.dedent("""\
        borrowers:
          - id: b-2001
            name: Alice Tan
            language: en
            timezone: Asia/Singapore
            loans:
              - id: L-2001
                currency: SGD
                principal: "600"
                bills: [{due_date: "2026-11-01", principal: "600"}]
        """))
    assert (count(database, Borrower), count(database, Loan), count(database, Bill)) == (2, 2, 4)


@pytest.mark.parametrize("text", ["0.10", "1250.5", "99999999.99", "999999999999999.99", "0", "0.01", "3000"])
def test_amounts_round_trip_exactly(database, text):
    load(database, textwrap.dedent(f"""\
        borrowers:
          - id: b-x
            name: X
            loans:
              - id: L-x
                currency: USD
                principal: "{text}"
                bills:
                  - due_date: "2026-11-01"
                    principal: "{text}"
                    interest: "{text}"
                    late_fee: "{text}"
                    paid: "{text}"
        """))
    with database.transaction() as session:
        loan = session.get(Loan, "L-x")
        bill = session.execute(select(Bill)).scalar_one()
        values = [loan.principal, bill.principal, bill.interest, bill.late_fee, bill.paid]
    for value in values:
        assert type(value) is Decimal
        assert value == Decimal(text)
        assert str(quantize(value, "USD")) == str(quantize(Decimal(text), "USD"))


def test_three_decimal_amounts_round_trip(database):
    load(database, textwrap.dedent("""\
        borrowers:
          - id: b-k
            name: K
            loans:
              - id: L-k
                currency: KWD
                principal: "1234.567"
                bills: [{due_date: "2026-11-01", principal: "1234.567", interest: "0.001"}]
        """))
    assert bills_of(database, "L-k") == [(date(2026, 11, 1), Decimal("1234.567"), Decimal("0.001"), 0, 0)]


def test_unquoted_yaml_decimals_are_read_exactly(database):
    load(database, textwrap.dedent("""\
        borrowers:
          - id: b-1001
            name: 王伟
            language: zh
            timezone: Asia/Shanghai
            loans:
              - id: L-1001
                currency: CNY
                principal: 3000
                bills:
                  - {due_date: 2026-10-15, principal: 1000.00, interest: 60.00, late_fee: 0.10, paid: 0.3}
                  - {due_date: 2026-11-15, principal: 1000, interest: 1250.5}
        """))
    [first, second] = bills_of(database, "L-1001")
    assert first == (date(2026, 10, 15), Decimal("1000.00"), Decimal("60.00"), Decimal("0.10"),
                     Decimal("0.3"))
    assert second == (date(2026, 11, 15), Decimal("1000"), Decimal("1250.5"), Decimal("0"), Decimal("0"))
    with database.transaction() as session:
        [balance] = load_account(session, "b-1001", today=TODAY).balances
    assert str(balance.overdue_amount) == "3310.30"  # 1060.10 - 0.30 + 2250.50: no float residue


def _borrower_entry(**changes: str) -> str:
    """A second borrower for the contract example's file, with one field made bad."""
    fields = {"timezone": "Asia/Shanghai", "currency": "CNY", "principal": '"3000.00"',
              "due_date": '"2026-10-15"', "paid": '"0"', "language": "zh"}
    fields.update(changes)
    return textwrap.indent(textwrap.dedent("""\
        - id: b-9
          name: 测试
          language: {language}
          timezone: {timezone}
          loans:
            - id: L-9
              currency: {currency}
              principal: {principal}
              bills:
                - {{due_date: "2026-09-15", principal: "1000.00"}}
                - {{due_date: {due_date}, principal: "1000.00", paid: {paid}}}
        """).format(**fields), "  ")


# The contract example's borrower, renamed: a refused file must not rename it either.
RENAMED = CONTRACT_EXAMPLE.replace("name: 王伟", "name: 改名了")
ENTRY = _borrower_entry()

BAD_FILES = {
    "invalid date": (_borrower_entry(due_date='"2026-02-30"'), "borrowers[1].loans[0].bills[1].due_date"),
    "invalid unquoted date": (_borrower_entry(due_date="2026-02-30"),
                              "borrowers[1].loans[0].bills[1].due_date"),
    "not a date": (_borrower_entry(due_date='"next friday"'), "borrowers[1].loans[0].bills[1].due_date"),
    "a time, not a date": (_borrower_entry(due_date="2026-10-15T10:00:00"),
                           "borrowers[1].loans[0].bills[1].due_date"),
    "unknown time zone": (_borrower_entry(timezone="Mars/Olympus_Mons"), "borrowers[1].timezone"),
    "time zone area only": (_borrower_entry(timezone="Asia"), "borrowers[1].timezone"),
    "lower-case currency": (_borrower_entry(currency="cny"), "borrowers[1].loans[0].currency"),
    "currency not a code": (_borrower_entry(currency="RM1"), "borrowers[1].loans[0].currency"),
    "currency too long": (_borrower_entry(currency="YUAN"), "borrowers[1].loans[0].currency"),
    "negative amount": (_borrower_entry(paid='"-10.00"'), "borrowers[1].loans[0].bills[1].paid"),
    "unquoted negative amount": (_borrower_entry(paid="-10.00"), "borrowers[1].loans[0].bills[1].paid"),
    "garbage amount": (_borrower_entry(paid='"12.3.4"'), "borrowers[1].loans[0].bills[1].paid"),
    "NaN amount": (_borrower_entry(paid=".nan"), "borrowers[1].loans[0].bills[1].paid"),
    "infinite amount": (_borrower_entry(principal=".inf"), "borrowers[1].loans[0].principal"),
    "exponent amount": (_borrower_entry(principal='"3e3"'), "borrowers[1].loans[0].principal"),
    "huge amount": (_borrower_entry(principal="1.0e+30"), "borrowers[1].loans[0].principal"),
    "too many decimals": (_borrower_entry(paid='"10.001"'), "borrowers[1].loans[0].bills[1].paid"),
    "amount as yes": (_borrower_entry(paid="yes"), "borrowers[1].loans[0].bills[1].paid"),
    "unknown language": (_borrower_entry(language="fr"), "borrowers[1].language"),
    "duplicate due date": (_borrower_entry(due_date='"2026-09-15"'),
                           "borrowers[1].loans[0].bills due_date: 2026-09-15"),
    "missing name": (ENTRY.replace("    name: 测试\n", ""), "borrowers[1].name: required"),
    "missing bill principal": (
        ENTRY.replace('{due_date: "2026-09-15", principal: "1000.00"}', '{due_date: "2026-09-15"}'),
        "borrowers[1].loans[0].bills[0].principal: required",
    ),
    "list as id": ("  - id: [1, 2]\n    name: x\n", "borrowers[1].id"),
    "loan not a mapping": ("  - id: b\n    name: x\n    loans: [L-1]\n",
                           "borrowers[1].loans[0]: must be a mapping"),
    "duplicate loan id": (ENTRY.replace("L-9", "L-1001"), "duplicate loan id: L-1001"),
    "duplicate borrower id": (ENTRY.replace("b-9", "b-1001"), "duplicate borrower id: b-1001"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_names_its_place_and_writes_nothing(database, name):
    load(database, CONTRACT_EXAMPLE)
    before = snapshot(database)
    entry, place = BAD_FILES[name]
    assert len(parse_fixture_text(RENAMED + ENTRY)) == 2  # without the bad part, it is a good file
    with pytest.raises(FixtureError) as error:
        load(database, RENAMED + entry)
    assert place in str(error.value)
    assert snapshot(database) == before


@pytest.mark.parametrize(
    "text, message",
    [
        ("loans: []\n", "the file must have a top-level 'borrowers' list"),
        ("- b-1\n", "the file must have a top-level 'borrowers' list"),
        ("", "the file must have a top-level 'borrowers' list"),
        ("borrowers: [\n", "not valid YAML"),
        ("borrowers: [42]\n", "borrowers[0]: must be a mapping"),
    ],
)
def test_bad_file_shape(database, text, message):
    with pytest.raises(FixtureError) as error:
        load(database, text)
    assert message in str(error.value)
    assert count(database, Borrower) == 0


def test_loan_moved_to_another_borrower_is_refused_and_nothing_written(database):
    load(database, CONTRACT_EXAMPLE)
    before = snapshot(database)
    moved = RENAMED.replace("      - id: L-1001", "      - id: L-1000") + textwrap.indent(textwrap.dedent("""\
        - id: b-2002
          name: John Lee
          language: en
          timezone: America/New_York
          loans:
            - id: L-2002
              currency: USD
              principal: "100"
            - id: L-1001
              currency: CNY
              principal: "3000.00"
        """), "  ")
    with pytest.raises(FixtureError, match="loan L-1001 belongs to borrower b-1001, not b-2002"):
        load(database, moved)
    assert snapshot(database) == before


DEMO_TODAY = date(2026, 11, 23)


def test_demo_data_covers_every_case(database):
    specs = demo_borrowers(today=DEMO_TODAY)
    with database.transaction() as session:
        counts = load_fixture(session, specs)
    assert counts["borrowers"] == len(specs) >= 6
    with database.transaction() as session:
        borrowers = session.execute(select(Borrower)).scalars().all()
        accounts = [load_account(session, b.id, today=DEMO_TODAY) for b in borrowers]
        bills = session.execute(select(Bill)).scalars().all()
    balances = [balance for account in accounts for balance in account.balances]

    def bucket(days: int) -> str:
        return "current" if days == 0 else "1-30" if days <= 30 else "31-90" if days <= 90 else ">90"

    assert {bucket(b.days_past_due) for b in balances} == {"current", "1-30", "31-90", ">90"}
    assert {a.language for a in accounts} == {"en", "zh"}
    assert len({b.currency for b in balances}) >= 3
    assert any(Decimal(0) < bill.paid < bill.principal + bill.interest + bill.late_fee for bill in bills)
    assert any(len(account.balances) >= 2 for account in accounts)
    assert any(not b.is_overdue and b.outstanding > 0 for b in balances)  # current but owing
    by_id = {a.borrower_id: a for a in accounts}
    [wang] = by_id["b-1001"].balances
    assert (str(wang.overdue_amount), wang.days_past_due) == ("2160.00", 39)

    # loading the demo again changes nothing
    with database.transaction() as session:
        load_fixture(session, demo_borrowers(today=DEMO_TODAY))
    assert count(database, Borrower) == len(specs)
    assert count(database, Bill) == len(bills)


def test_demo_data_follows_the_borrowers_today(sqlite_database):
    """Without a fixed date the demo is relative to each borrower's today: the buckets hold."""
    with sqlite_database.transaction() as session:
        load_fixture(session, demo_borrowers())
    with sqlite_database.transaction() as session:
        [wang] = load_account(session, "b-1001").balances
    assert wang.days_past_due == 39
