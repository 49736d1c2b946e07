"""The bot hands over on its own: not understood twice in a row, every offer refused, and a
refusal a person may set aside. Real actions on a real database, trackers built in the test."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from rasa_sdk.events import ActionExecuted, ActiveLoop, ConversationPaused, SlotSet
from sqlalchemy import select

import actions.understanding
from actions.context import ServiceUnavailable
from actions.handoff import ActionHandOver
from actions.negotiation import ActionDeclineArrangement, ActionOfferArrangement, ActionRefuseToPay
from actions.session import ActionSessionStart, ValidateSlotMappings
from actions.understanding import ActionNotUnderstood
from bot.db.models import Arrangement, Conversation, Handoff, Loan
from tests.actions.conftest import conversation, run_on
from tests.builders import bill, borrower, load

ALL_TYPES = ["deferral", "instalment_plan", "promise_to_pay"]
PAUSED = [ConversationPaused(), ActionExecuted("action_listen")]

# Nothing overdue: the next bill falls due after the frozen today (2026-11-23).
ADA = borrower("b-5001", "Ada Current", "en", "Asia/Singapore").loan(
    "L-5001", "SGD", "500.00", bill(date(2026, 12, 5), "500.00", interest="5.00"))


@pytest.fixture
def current_borrower(loan_db):
    load(loan_db, ADA)
    with loan_db.transaction() as session:
        session.add(Conversation(id="conv-ada", borrower_id="b-5001"))
    return loan_db


def handoffs(database, conversation_id: str) -> list[Handoff]:
    with database.transaction() as session:
        return list(session.execute(
            select(Handoff).where(Handoff.conversation_id == conversation_id)).scalars())


def status_of(database, conversation_id: str) -> str:
    with database.transaction() as session:
        return session.get(Conversation, conversation_id).status


def said(messages) -> list[str]:
    return [message["response"] for message in messages]


# --- not understood twice in a row ------------------------------------------------------------


@pytest.mark.parametrize("intent, answer", [("nlu_fallback", "utter_please_rephrase"),
                                            ("out_of_scope", "utter_out_of_scope")])
async def test_the_first_message_not_understood_is_answered_as_before(loan_db, intent, answer):
    messages, events = await run_on(ActionNotUnderstood(),
                                    conversation("conv-alice", ["ask_balance", intent]))
    assert (said(messages), events) == ([answer], [])
    assert handoffs(loan_db, "conv-alice") == []


@pytest.mark.parametrize("first, second", [("nlu_fallback", "out_of_scope"), ("out_of_scope", "nlu_fallback"),
                                           ("nlu_fallback", "nlu_fallback")])
async def test_two_in_a_row_go_to_a_person(loan_db, first, second):
    messages, events = await run_on(ActionNotUnderstood(),
                                    conversation("conv-wang", [first, second], language="zh"))
    assert said(messages) == ["utter_handover_not_understood"]
    assert events == PAUSED
    [handoff] = handoffs(loan_db, "conv-wang")
    assert (handoff.reason, handoff.priority, handoff.status) == ("not_understood", 5, "open")
    assert status_of(loan_db, "conv-wang") == "handoff"


async def test_two_in_a_row_inside_a_form_end_the_form(loan_db):
    tracker = conversation("conv-alice", ["request_deferral", "nlu_fallback", "out_of_scope"],
                           active_loop="arrangement_form")
    messages, events = await run_on(ActionNotUnderstood(), tracker)
    assert said(messages) == ["utter_handover_not_understood"]
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), *PAUSED]


async def test_an_understood_message_in_between_starts_again(loan_db):
    tracker = conversation("conv-alice", ["nlu_fallback", "ask_balance", "out_of_scope"])
    messages, events = await run_on(ActionNotUnderstood(), tracker)
    assert (said(messages), events) == (["utter_out_of_scope"], [])


async def test_a_message_from_an_earlier_session_does_not_count(loan_db):
    tracker = conversation("conv-alice", ["nlu_fallback", {"event": "session_started"}, "nlu_fallback"])
    messages, events = await run_on(ActionNotUnderstood(), tracker)
    assert (said(messages), events) == (["utter_please_rephrase"], [])


async def test_handing_back_is_not_a_message_not_understood(loan_db):
    tracker = conversation("conv-alice", ["nlu_fallback", "EXTERNAL_handed_back", "nlu_fallback"])
    messages, events = await run_on(ActionNotUnderstood(), tracker)
    assert (said(messages), events) == (["utter_please_rephrase"], [])


async def test_without_the_database_the_bot_asks_again_rather_than_going_quiet(loan_db, monkeypatch):
    async def unavailable(work):
        raise ServiceUnavailable()

    monkeypatch.setattr(actions.understanding, "in_transaction", unavailable)
    messages, events = await run_on(ActionNotUnderstood(), conversation("conv-alice", ["nlu_fallback"] * 2))
    assert (said(messages), events) == (["utter_please_rephrase"], [])


# --- "did you mean" before "not understood" ----------------------------------------------------


def unsure(*ranking: tuple[str, float]) -> dict:
    """A message the model was unsure of: nlu_fallback, with its ranking of the intents."""
    ranked = [{"name": "nlu_fallback", "confidence": 0.4},
              *({"name": name, "confidence": confidence} for name, confidence in ranking)]
    return {"event": "user", "text": "hmm",
            "parse_data": {"intent": ranked[0], "intent_ranking": ranked, "entities": []}}


DEFER_OR_SPLIT = unsure(("request_deferral", 0.38), ("request_instalment", 0.36), ("out_of_scope", 0.2))


@pytest.mark.parametrize("language, titles", [
    ("en", ["Pay later", "Split into instalments", "Something else"]),
    ("zh", ["延期还款", "分期还款", "都不是"]),
])
async def test_an_unsure_message_is_asked_about_with_the_likeliest_intents(loan_db, language, titles):
    tracker = conversation("conv-alice", ["ask_balance", DEFER_OR_SPLIT], language=language)
    messages, events = await run_on(ActionNotUnderstood(), tracker)
    [question] = messages
    assert [b["title"] for b in question["buttons"]] == titles
    assert [b["payload"] for b in question["buttons"]] == ["/request_deferral", "/request_instalment",
                                                           "/nlu_fallback"]
    assert events == [] and handoffs(loan_db, "conv-alice") == []


async def test_something_else_after_the_question_asks_to_rephrase(loan_db):
    tracker = conversation("conv-alice", [DEFER_OR_SPLIT, "nlu_fallback"])  # the tap sends /nlu_fallback
    messages, events = await run_on(ActionNotUnderstood(), tracker)
    assert (said(messages), events) == (["utter_please_rephrase"], [])
    assert handoffs(loan_db, "conv-alice") == []


async def test_not_understood_after_that_failure_goes_to_a_person(loan_db):
    tracker = conversation("conv-alice", [DEFER_OR_SPLIT, DEFER_OR_SPLIT, "out_of_scope"])
    messages, events = await run_on(ActionNotUnderstood(), tracker)
    assert (said(messages), events) == (["utter_handover_not_understood"], PAUSED)
    [handoff] = handoffs(loan_db, "conv-alice")
    assert handoff.reason == "not_understood"


async def test_a_tapped_guess_is_understood_and_starts_the_count_again(loan_db):
    tracker = conversation("conv-alice", [DEFER_OR_SPLIT, "request_deferral", DEFER_OR_SPLIT])
    messages, _ = await run_on(ActionNotUnderstood(), tracker)
    assert "buttons" in messages[0] and messages[0]["buttons"]


# --- a refusal to pay ----------------------------------------------------------------------------


async def test_a_first_refusal_is_answered_with_the_options(loan_db):
    tracker = conversation("conv-alice", ["ask_balance", "refuse_to_pay"])
    messages, events = await run_on(ActionRefuseToPay(), tracker)
    assert said(messages) == ["utter_refuse_to_pay"]
    assert ConversationPaused() not in events and SlotSet("arrangement_terms", None) in events
    assert handoffs(loan_db, "conv-alice") == []


async def test_a_second_refusal_in_the_session_goes_to_a_person(loan_db):
    tracker = conversation("conv-wang", ["refuse_to_pay", "ask_balance", "refuse_to_pay"], language="zh")
    messages, events = await run_on(ActionRefuseToPay(), tracker)
    assert said(messages) == ["utter_handover_negotiation_failed"]
    assert events[-2:] == PAUSED
    [handoff] = handoffs(loan_db, "conv-wang")
    assert (handoff.reason, handoff.priority) == ("negotiation_failed", 3)
    assert "will not pay" in handoff.summary


async def test_a_refusal_in_an_earlier_session_does_not_count(loan_db):
    tracker = conversation("conv-alice", ["refuse_to_pay", {"event": "session_started"}, "refuse_to_pay"])
    messages, _ = await run_on(ActionRefuseToPay(), tracker)
    assert said(messages) == ["utter_refuse_to_pay"]


# --- every offer refused ----------------------------------------------------------------------


def declining(sender_id: str, type: str, declined: list, made: list = ALL_TYPES, language: str = "en"):
    return conversation(sender_id, ["deny"], language=language, slots={
        "arrangement_type": type, "offers_made": list(made), "offers_declined": list(declined)})


async def test_a_no_with_other_options_left_offers_them(loan_db, frozen_today):
    messages, events = await run_on(ActionDeclineArrangement(), declining("conv-alice", "deferral", []))
    assert said(messages) == ["utter_arrangement_declined"]
    assert SlotSet("offers_declined", ["deferral"]) in events and ConversationPaused() not in events
    assert handoffs(loan_db, "conv-alice") == []


async def test_the_last_option_refused_goes_to_a_person(loan_db, frozen_today):
    tracker = declining("conv-alice", "promise_to_pay", ["deferral", "instalment_plan"])
    messages, events = await run_on(ActionDeclineArrangement(), tracker)
    assert said(messages) == ["utter_handover_negotiation_failed"]
    assert events[-3:] == [SlotSet("offers_declined", ALL_TYPES), *PAUSED]
    [handoff] = handoffs(loan_db, "conv-alice")
    assert (handoff.reason, handoff.priority) == ("negotiation_failed", 3)
    assert ("Offered: deferral, instalment plan, promise to pay. "
            "Refused: deferral, instalment plan, promise to pay.") in handoff.summary


async def test_only_what_the_borrower_could_have_counts(loan_db, frozen_today):
    # Wang is 39 days past due: no deferral for him; a plan and a promise refused are all.
    tracker = declining("conv-wang", "instalment_plan", ["promise_to_pay"],
                        made=["promise_to_pay", "instalment_plan"], language="zh")
    messages, _ = await run_on(ActionDeclineArrangement(), tracker)
    assert said(messages) == ["utter_handover_negotiation_failed"]
    [handoff] = handoffs(loan_db, "conv-wang")
    assert handoff.reason == "negotiation_failed"


async def test_the_same_no_twice_is_not_every_option(loan_db, frozen_today):
    tracker = declining("conv-wang", "instalment_plan", ["instalment_plan"], made=["instalment_plan"])
    messages, events = await run_on(ActionDeclineArrangement(), tracker)
    assert said(messages) == ["utter_arrangement_declined"]
    assert SlotSet("offers_declined", ["instalment_plan"]) in events


async def test_a_count_left_by_an_older_bot_is_read_as_no_refusals(loan_db, frozen_today):
    tracker = conversation("conv-alice", ["deny"],
                           slots={"arrangement_type": "deferral", "offers_declined": 2.0})
    messages, events = await run_on(ActionDeclineArrangement(), tracker)
    assert said(messages) == ["utter_arrangement_declined"]
    assert SlotSet("offers_declined", ["deferral"]) in events


# --- a refusal a person may set aside ---------------------------------------------------------


async def test_too_far_past_due_is_explained_and_goes_to_a_person(loan_db, frozen_today):
    tracker = conversation("conv-wang", ["request_deferral"], language="zh")
    messages, events = await run_on(ActionOfferArrangement(), tracker)
    assert said(messages) == ["utter_not_eligible_too_far_past_due", "utter_handover_ineligible"]
    assert messages[0]["days_past_due"] == 39 and messages[0]["max_days_past_due"] == 30
    assert SlotSet("arrangement_ok", False) in events and events[-2:] == PAUSED
    [handoff] = handoffs(loan_db, "conv-wang")
    assert (handoff.reason, handoff.priority) == ("ineligible", 4)


async def test_a_recent_deferral_goes_to_a_person(loan_db, frozen_today):
    with loan_db.transaction() as session:
        session.add(Arrangement(id="deferral-kept", loan_id="L-2001", type="deferral", status="kept",
                                terms={}, created_by="bot",
                                created_at=datetime(2026, 10, 1, tzinfo=timezone.utc)))
    messages, events = await run_on(ActionOfferArrangement(), conversation(
        "conv-alice", [("request_deferral", "can I defer the SGD loan")]))
    assert said(messages) == ["utter_not_eligible_recent_deferral", "utter_handover_ineligible"]
    assert events[-2:] == PAUSED
    assert [h.reason for h in handoffs(loan_db, "conv-alice")] == ["ineligible"]


async def test_nothing_overdue_is_only_explained(current_borrower, frozen_today):
    messages, events = await run_on(ActionOfferArrangement(), conversation("conv-ada", ["request_deferral"]))
    assert said(messages) == ["utter_not_eligible_not_overdue", "utter_offer_human"]
    assert ConversationPaused() not in events
    assert handoffs(current_borrower, "conv-ada") == []


async def test_a_loan_on_hold_is_only_explained(loan_db, frozen_today):
    with loan_db.transaction() as session:
        session.get(Loan, "L-1001").collection_hold = True
    messages, events = await run_on(ActionOfferArrangement(),
                                    conversation("conv-wang", ["request_instalment"]))
    assert said(messages) == ["utter_not_eligible_collection_hold", "utter_offer_human"]
    assert ConversationPaused() not in events and handoffs(loan_db, "conv-wang") == []


async def test_an_active_arrangement_is_only_explained(loan_db, frozen_today):
    with loan_db.transaction() as session:
        session.add(Arrangement(id="plan-active", loan_id="L-2001", type="instalment_plan",
                                status="active", terms={}, created_by="bot"))
    messages, events = await run_on(ActionOfferArrangement(),
                                    conversation("conv-alice", [("request_deferral", "defer L-2001")]))
    assert said(messages) == ["utter_not_eligible_active_arrangement", "utter_offer_human"]
    assert ConversationPaused() not in events and handoffs(loan_db, "conv-alice") == []


async def test_an_offer_made_is_remembered_once(loan_db, frozen_today):
    tracker = conversation("conv-alice", [("request_deferral", "defer the first loan")],
                           slots={"offers_made": ["deferral"]})
    messages, events = await run_on(ActionOfferArrangement(), tracker)
    assert said(messages) == ["utter_offer_deferral"]
    assert SlotSet("offers_made", ["deferral"]) in events and ConversationPaused() not in events


# --- the hard cases pass the offers on; a new session and a handing back ----------------------


async def test_a_hard_case_handoff_names_the_offers(loan_db, frozen_today):
    tracker = conversation("conv-alice", ["hardship"], slots={
        "offers_made": ["deferral", "promise_to_pay"], "offers_declined": ["deferral"]})
    _, events = await run_on(ActionHandOver(), tracker)
    assert events == PAUSED
    [handoff] = handoffs(loan_db, "conv-alice")
    assert handoff.reason == "hardship"
    assert "Offered: deferral, promise to pay. Refused: deferral." in handoff.summary


async def test_a_new_session_starts_the_offers_afresh(loan_db):
    tracker = conversation("conv-alice", ["greet"], slots={
        "arrangement_type": "deferral", "offers_made": ["deferral"], "offers_declined": ["deferral"]})
    _, events = await run_on(ActionSessionStart(), tracker)
    carried = {event["name"] for event in events if event["event"] == "slot"}
    assert carried == {"language", "arrangement_type"}


async def test_handing_back_keeps_the_borrowers_language(loan_db):
    tracker = conversation("conv-wang", ["EXTERNAL_handed_back"], language="zh")
    tracker.latest_message["text"] = "EXTERNAL: EXTERNAL_handed_back"
    assert await ValidateSlotMappings().extract_language(None, tracker, {}) == {}
