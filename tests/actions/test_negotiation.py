"""The one negotiation form and its neighbours: the form asks only for the fields of the kind
being negotiated, in their order; values are checked against the policy; the yes records the
terms shown. Real actions on a real database, trackers built in the test."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from sqlalchemy import func, select

from actions.handoff import ActionHandOver
from actions.negotiation import ActionCreateArrangement, ActionProposeArrangement, ValidateArrangementForm
from bot.db.models import Arrangement
from tests.actions.conftest import conversation, run_on

REQUESTED = "requested_slot"


def negotiating(kind: str, *, loan: str = "L-2001", entities: list | None = None, **slots):
    tracker = conversation("conv-alice", ["inform"], slots={
        "arrangement_type": kind, "arrangement_loan": loan, **slots})
    tracker.latest_message["entities"] = entities or []
    return tracker


def entity(name: str, value: str | None, start: int = 0, problem: str | None = None) -> dict:
    found = {"entity": name, "value": value, "start": start, "end": start + 2}
    return {**found, "problem": problem} if problem else found


def said(messages) -> list[str]:
    return [message["response"] for message in messages]


async def test_a_plan_asks_for_its_own_fields_in_order(loan_db, frozen_today):
    messages, events = await run_on(ValidateArrangementForm(), negotiating("instalment_plan"))
    assert (messages, events) == ([], [SlotSet(REQUESTED, "instalment_count")])


async def test_a_bare_number_answers_the_count_just_asked_for(loan_db, frozen_today):
    tracker = negotiating("instalment_plan", entities=[entity("amount", "6")],
                          requested_slot="instalment_count")
    messages, events = await run_on(ValidateArrangementForm(), tracker)
    assert messages == []
    assert events == [SlotSet("instalment_count", "6"), SlotSet(REQUESTED, "first_payment_date")]


async def test_every_value_in_one_message_ends_the_form(loan_db, frozen_today):
    tracker = negotiating("instalment_plan", entities=[entity("instalments", "6"),
                                                       entity("date", "2026-11-25", start=10)])
    _, events = await run_on(ValidateArrangementForm(), tracker)
    assert events == [SlotSet("instalment_count", "6"), SlotSet("first_payment_date", "2026-11-25"),
                      SlotSet(REQUESTED, None)]


async def test_a_value_outside_the_policy_is_re_asked_with_what_is_allowed(loan_db, frozen_today):
    tracker = negotiating("instalment_plan", entities=[entity("instalments", "4")])
    messages, events = await run_on(ValidateArrangementForm(), tracker)
    assert said(messages) == ["utter_invalid_instalment_count"] and messages[0]["counts"] == "3, 6, 12"
    assert events == [SlotSet("instalment_count", None), SlotSet(REQUESTED, "instalment_count")]


async def test_a_deferral_needs_only_its_days(loan_db, frozen_today):
    tracker = negotiating("deferral", entities=[entity("duration_days", "14"), entity("amount", "500", 5)])
    _, events = await run_on(ValidateArrangementForm(), tracker)
    assert events == [SlotSet("deferral_days", "14"), SlotSet(REQUESTED, None)]


async def test_a_value_the_reader_flagged_is_re_asked(loan_db, frozen_today):
    tracker = negotiating("promise_to_pay", entities=[entity("date", None, problem="no_such_date")])
    messages, events = await run_on(ValidateArrangementForm(), tracker)
    assert said(messages) == ["utter_invalid_promise_date"]
    assert events == [SlotSet("promise_date", None), SlotSet(REQUESTED, "promise_amount")]


async def test_no_kind_being_negotiated_ends_the_form(loan_db, frozen_today):
    _, events = await run_on(ValidateArrangementForm(), negotiating("a-discount"))
    assert events == [SlotSet(REQUESTED, None)]


async def test_the_proposal_keeps_the_exact_terms_as_json(loan_db, frozen_today):
    tracker = negotiating("deferral", deferral_days="14")
    messages, events = await run_on(ActionProposeArrangement(), tracker)
    assert said(messages) == ["utter_propose_deferral", "utter_ask_confirm"]
    assert messages[0]["new_due_date"] == "7 Dec 2026" and messages[0]["amount"] == "SGD 538.25"
    [terms] = [event["value"] for event in events if event["name"] == "arrangement_terms"]
    assert terms == {"days": 14, "new_due_date": "2026-12-07", "amount": "538.25", "currency": "SGD",
                     "fee": "0.00", "late_fees_frozen": True}


async def test_a_refusal_at_the_yes_names_the_loan(loan_db, frozen_today):
    with loan_db.transaction() as session:
        session.add(Arrangement(id="plan-active", loan_id="L-2001", type="instalment_plan",
                                status="active", terms={}, created_by="bot"))
    terms = {"amount": "100.00", "date": "2026-11-25", "currency": "SGD"}
    messages, events = await run_on(ActionCreateArrangement(),
                                    negotiating("promise_to_pay", arrangement_terms=terms))
    assert said(messages) == ["utter_not_eligible_active_arrangement"]
    assert messages[0]["loan_id"] == "L-2001"
    assert SlotSet("arrangement_terms", None) in events


async def test_a_yes_for_a_loan_that_is_not_the_borrower_s_records_nothing(loan_db, frozen_today):
    terms = {"amount": "100.00", "date": "2026-11-25", "currency": "CNY"}
    messages, _ = await run_on(ActionCreateArrangement(),
                               negotiating("promise_to_pay", loan="L-1001", arrangement_terms=terms))
    assert said(messages) == ["utter_no_account"]
    with loan_db.transaction() as session:
        assert session.execute(select(func.count()).select_from(Arrangement)).scalar_one() == 0


@pytest.mark.parametrize("intent, answers", [
    ("hardship", ["utter_hardship", "utter_handed_over"]),
    ("distress", ["utter_distress", "utter_crisis_line", "utter_handed_over"]),
    ("request_human", ["utter_request_human", "utter_handed_over"]),
])
async def test_a_hard_case_is_answered_with_its_own_kind_words_first(loan_db, intent, answers):
    messages, _ = await run_on(ActionHandOver(), conversation("conv-alice", [intent]))
    assert said(messages) == answers
