"""Champion and challenger on contacts built by hand: what counts as recovered or promised
(within 7 days of the contact), and the comparison with the champion."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from bot.arrangements.policy import load_policy
from bot.db.models import Arrangement
from bot.kpis.period import Period
from bot.kpis.variants import variant_figures
from bot.ledger.payments import WalletPayment
from bot.ledger.recording import record_payment
from tests.builders import bill, borrower, load
from tests.kpis.portfolio import at, contact

# Eight borrowers a week late on 2026-11-08; four got each variant of D+7 that day at 10:00.
# Champion: b-v1 paid 2 days later, b-v2 paid 8 days later (outside the window).
# Challenger: b-v5 and b-v6 paid within the window, b-v7 promised within it.
PAID = {"b-v1": 2, "b-v2": 8, "b-v5": 1, "b-v6": 6}


def test_each_variant_against_the_champion(database):
    load(database, *(borrower(f"b-v{n}", f"V {n}").loan(f"L-v{n}", "CNY", "100.00",
                                                         bill(date(2026, 11, 1), "100.00"))
                     for n in range(1, 9)))
    with database.transaction() as session:
        for n in range(1, 9):
            contact(session, f"b-v{n}", f"L-v{n}", "D+7", "low/low", "champion" if n <= 4 else "challenger",
                     "sent", at("2026-11-08"))
        for who, days in PAID.items():
            paid = WalletPayment(f"vp-{who}", who, who.replace("b-", "L-"), Decimal("100.00"), "CNY",
                                 at("2026-11-08") + timedelta(days=days))
            record_payment(session, paid, load_policy(), now=at("2026-12-01"))
        session.add(Arrangement(id=str(uuid.uuid4()), loan_id="L-v7", type="promise_to_pay", status="active",
                                terms={}, created_by="bot", created_at=at("2026-11-09")))
    with database.transaction() as session:
        champion, challenger = variant_figures(session, Period.parse("2026-11-01", "2026-11-30"))
    assert (champion.variant, champion.contacts, champion.recovered.successes) == ("champion", 4, 1)
    assert champion.recovered.versus_champion is None
    assert (challenger.variant, challenger.recovered.successes, challenger.promised.successes) == (
        "challenger", 2, 1)
    versus = challenger.recovered.versus_champion
    assert versus.difference == 0.25 and not versus.significant  # 1/4 against 2/4: far too few
    assert versus.needed_per_variant == 58 and versus.more_needed == 54
    assert challenger.recovered.interval.low < 0.5 < challenger.recovered.interval.high


def test_a_promise_counts_for_each_contact_in_the_week_before_it(database):
    """Promises are matched to contacts from the promises' side: a promise counts for every
    contact of the loan at most 7 days before it, never for one after it or a week earlier."""
    load(database, borrower("b-p", "P").loan("L-p", "CNY", "100.00", bill(date(2026, 11, 1), "100.00")),
         borrower("b-q", "Q").loan("L-q", "CNY", "100.00", bill(date(2026, 11, 1), "100.00")))
    promised = at("2026-11-15")
    with database.transaction() as session:
        for day, stage in (("2026-11-08", "D+7"), ("2026-11-09", "D+8"), ("2026-11-14", "D+13"),
                           ("2026-11-16", "D+15")):
            contact(session, "b-p", "L-p", stage, "low/low", "champion", "sent", at(day))
        contact(session, "b-q", "L-q", "D+13", "low/low", "champion", "sent", at("2026-11-14"))
        session.add(Arrangement(id=str(uuid.uuid4()), loan_id="L-p", type="promise_to_pay", status="active",
                                terms={}, created_by="bot", created_at=promised))
    with database.transaction() as session:
        figures = variant_figures(session, Period.parse("2026-11-01", "2026-11-30"))
    by_stage = {one.stage: (one.contacts, one.promised.successes) for one in figures}
    # 11-08 10:00 is exactly a week before the promise: outside; 11-16 is after it
    assert by_stage == {"D+7": (1, 0), "D+8": (1, 1), "D+13": (2, 1), "D+15": (1, 0)}


def test_the_window_ends_to_the_microsecond(database):
    """A payment a microsecond inside the week counts; one exactly a week later does not (on
    SQLite too, where the window's end is worked out on stored text)."""
    sent = at("2026-11-08") + timedelta(microseconds=250_001)
    load(database, *(borrower(f"b-w{n}", f"W {n}").loan(f"L-w{n}", "CNY", "100.00",
                                                         bill(date(2026, 11, 1), "100.00")) for n in (1, 2)))
    with database.transaction() as session:
        for n, after in ((1, timedelta(days=7, microseconds=-1)), (2, timedelta(days=7))):
            contact(session, f"b-w{n}", f"L-w{n}", f"D+{n}", "low/low", "champion", "sent", sent)
            record_payment(session, WalletPayment(f"wp-{n}", f"b-w{n}", f"L-w{n}", Decimal("100.00"), "CNY",
                                                  sent + after), load_policy(), now=at("2026-12-01"))
    with database.transaction() as session:
        figures = variant_figures(session, Period.parse("2026-11-01", "2026-11-30"))
    assert {one.stage: one.recovered.successes for one in figures} == {"D+1": 1, "D+2": 0}
