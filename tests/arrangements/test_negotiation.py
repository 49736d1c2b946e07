"""Which refusals go to a person, and the offers a conversation has met (bot.arrangements.negotiation)."""
from __future__ import annotations

import pytest

from bot.arrangements.kinds import DEFERRAL
from bot.arrangements.negotiation import Offer, needs_person, noted, offer_replies


@pytest.mark.parametrize("reason, person", [
    ("too_far_past_due", True), ("recent_deferral", True), ("no_minimum_configured", True),
    ("below_minimum", False), ("not_overdue", False), ("nothing_owed", False),
    ("collection_hold", False), ("active_arrangement", False),
])
def test_only_refusals_a_person_may_set_aside_go_to_one(reason, person):
    refusal = Offer(False, DEFERRAL, "L-1", "CNY", reason)
    assert needs_person(refusal) is person
    follow_up = offer_replies(refusal, "en")[-1].response
    assert follow_up == ("utter_handover_ineligible" if person else "utter_offer_human")


def test_an_offer_made_never_needs_a_person():
    assert needs_person(Offer(True, DEFERRAL, "L-1", "CNY")) is False


def test_offers_are_noted_once_in_order():
    assert noted((), "deferral") == ("deferral",)
    assert noted(("deferral",), "promise_to_pay") == ("deferral", "promise_to_pay")
    assert noted(("deferral", "promise_to_pay"), "deferral") == ("deferral", "promise_to_pay")
    assert noted(("deferral",), None) == ("deferral",)
