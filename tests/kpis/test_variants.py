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
