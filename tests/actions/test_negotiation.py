"""The one negotiation form and its neighbours: the form asks only for the fields of the kind
being negotiated, in their order; values are checked against the policy; the yes records the
terms shown. Real actions on a real database, trackers built in the test."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from sqlalchemy import func, select

from actions.context import ServiceUnavailable
from actions.handoff import ActionHandOver
from actions.negotiation import (
    ASK_ACTIONS,
    ActionCreateArrangement,
    ActionProposeArrangement,
    ValidateArrangementForm,
)
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


# --- answers in context: what the form reads as an answer to its question ----------------------

SUGGESTION = "arrangement_suggestion"
LAST_FIRST_DATE = "2026-11-30"  # the frozen today, 2026-11-23, and the first instalment within 7 days


def asking(kind: str, slot: str, intent: str, text: str, *, entities: list | None = None,
           sender: str = "conv-alice", language: str = "en", loan: str = "L-2001", **slots):
    """The form has asked for `slot`, and the borrower answered `text` (read as `intent`)."""
    tracker = conversation(sender, [intent], language=language, active_loop="arrangement_form", slots={
        "arrangement_type": kind, "arrangement_loan": loan, REQUESTED: slot, **slots})
    tracker.latest_message.update(text=text, entities=entities or [])
    return tracker


def read_entities(text: str) -> list[dict]:
    """The entities the NLU pipeline's ValueExtractor gives for `text` on the frozen today."""
    from bot.rasa.nlu.entities import entity
    from bot.values import extract_values
    from tests.actions.conftest import TODAY

    return [entity(value) for value in extract_values(text, TODAY)]


@pytest.mark.parametrize("intent, text, language", [
    ("affirm", "yes", "en"), ("nlu_fallback", "whenever", "en"), ("deny", "as late as possible", "en"),
    ("affirm", "可以", "zh"), ("out_of_scope", "随便", "zh"), ("inform", "越晚越好", "zh"),
])
async def test_a_yes_or_whenever_to_the_date_is_answered_with_the_latest_day_to_confirm(
        loan_db, frozen_today, intent, text, language):
    tracker = asking("instalment_plan", "first_payment_date", intent, text, language=language,
                     instalment_count="6")
    messages, events = await run_on(ValidateArrangementForm(), tracker)
    assert messages == []
    assert events == [SlotSet(SUGGESTION, {"slot": "first_payment_date", "value": LAST_FIRST_DATE}),
                      SlotSet(REQUESTED, "first_payment_date")]


async def test_the_form_then_asks_the_proposal_as_a_yes_or_no(loan_db, frozen_today):
    tracker = asking("instalment_plan", "first_payment_date", "affirm", "yes", instalment_count="6",
                     arrangement_suggestion={"slot": "first_payment_date", "value": LAST_FIRST_DATE})
    messages, _ = await run_on(ask_action("first_payment_date"), tracker)
    assert [(m["response"], m["value"], m["buttons"]) for m in messages] == [
        ("utter_suggest_first_payment_date", "30 Nov 2026", [])]


async def test_yes_to_the_proposal_sets_the_date_and_no_asks_the_question_again(loan_db, frozen_today):
    pending = {"slot": "first_payment_date", "value": LAST_FIRST_DATE}
    yes = asking("instalment_plan", "first_payment_date", "affirm", "ok", instalment_count="6",
                 arrangement_suggestion=pending)
    assert (await run_on(ValidateArrangementForm(), yes))[1] == [
        SlotSet("first_payment_date", LAST_FIRST_DATE), SlotSet(SUGGESTION, None), SlotSet(REQUESTED, None)]
    no = asking("instalment_plan", "first_payment_date", "deny", "no", instalment_count="6",
                arrangement_suggestion=pending)
    assert (await run_on(ValidateArrangementForm(), no))[1] == [
        SlotSet(SUGGESTION, None), SlotSet(REQUESTED, "first_payment_date")]


async def test_a_no_without_a_proposal_is_left_to_the_rules(loan_db, frozen_today):
    tracker = asking("instalment_plan", "first_payment_date", "deny", "no", instalment_count="6")
    assert (await run_on(ValidateArrangementForm(), tracker))[1] == [SlotSet(REQUESTED, "first_payment_date")]


@pytest.mark.parametrize("intent", ["inform", "promise_to_pay", "affirm", "request_deferral"])
async def test_a_date_in_a_longer_sentence_answers_whatever_the_intent(loan_db, frozen_today, intent):
    text = "the 28th when I get paid"
    tracker = asking("promise_to_pay", "promise_date", intent, text, entities=read_entities(text),
                     promise_amount="100")
    _, events = await run_on(ValidateArrangementForm(), tracker)
    assert events == [SlotSet("promise_date", "2026-11-28"), SlotSet(REQUESTED, None)]


async def test_a_hard_case_with_a_date_is_not_an_answer(loan_db, frozen_today):
    text = "I lost my job, I can't pay on the 28th"
    tracker = asking("promise_to_pay", "promise_date", "hardship", text, entities=read_entities(text),
                     promise_amount="100")
    assert (await run_on(ValidateArrangementForm(), tracker))[1] == [SlotSet(REQUESTED, "promise_date")]


@pytest.mark.parametrize("text, days", [("can I pay on the 13th?", "20"), ("能不能12月13号再还", "20"),
                                        ("two weeks later", "14")])
async def test_a_deferral_takes_a_date_as_the_days_until_it(loan_db, frozen_today, text, days):
    tracker = negotiating("deferral", entities=read_entities(text))
    _, events = await run_on(ValidateArrangementForm(), tracker)
    assert events == [SlotSet("deferral_days", days), SlotSet(REQUESTED, None)]


async def test_a_deferral_past_the_limit_is_offered_the_longest_allowed(loan_db, frozen_today):
    tracker = negotiating("deferral", entities=read_entities("can I pay on Jan 15?"))
    messages, events = await run_on(ValidateArrangementForm(), tracker)
    assert said(messages) == ["utter_invalid_deferral_days"] and messages[0]["max"] == 30
    assert events == [SlotSet("deferral_days", None),
                      SlotSet(SUGGESTION, {"slot": "deferral_days", "value": "30"}),
                      SlotSet(REQUESTED, "deferral_days")]
    tracker = negotiating("deferral", requested_slot="deferral_days",
                          arrangement_suggestion={"slot": "deferral_days", "value": "30"})
    messages, _ = await run_on(ask_action("deferral_days"), tracker)
    assert [(m["response"], m["value"], m["date"]) for m in messages] == [
        ("utter_suggest_deferral_days", 30, "23 Dec 2026")]


async def test_a_promise_date_past_the_horizon_is_offered_the_last_date(loan_db, frozen_today):
    text = "I'll pay 100 on the 20th of December"
    messages, events = await run_on(ValidateArrangementForm(),
                                    negotiating("promise_to_pay", entities=read_entities(text)))
    assert said(messages) == ["utter_invalid_promise_date"]
    assert events == [SlotSet("promise_amount", "100"), SlotSet("promise_date", None),
                      SlotSet(SUGGESTION, {"slot": "promise_date", "value": "2026-12-07"}),
                      SlotSet(REQUESTED, "promise_date")]


@pytest.mark.parametrize("slot, kind, language, expected", [
    ("first_payment_date", "instalment_plan", "en",
     [("Thu 26 Nov", '/inform{"date": "2026-11-26"}'), ("Mon 30 Nov", '/inform{"date": "2026-11-30"}')]),
    ("promise_date", "promise_to_pay", "zh",
     [("11月26日（周四）", '/inform{"date": "2026-11-26"}'),
      ("11月30日（周一）", '/inform{"date": "2026-11-30"}'),
      ("12月7日（周一）", '/inform{"date": "2026-12-07"}')]),
    ("instalment_count", "instalment_plan", "en",
     [("3", '/inform{"instalments": "3"}'), ("6", '/inform{"instalments": "6"}'),
      ("12", '/inform{"instalments": "12"}')]),
    ("deferral_days", "deferral", "en",
     [("7", '/inform{"duration_days": "7"}'), ("14", '/inform{"duration_days": "14"}'),
      ("30", '/inform{"duration_days": "30"}')]),
    ("promise_amount", "promise_to_pay", "en", [("SGD 538.25", '/inform{"amount": "538.25"}')]),
])
async def test_each_question_offers_the_values_the_policy_allows(loan_db, frozen_today, slot, kind,
                                                                 language, expected):
    tracker = negotiating(kind, requested_slot=slot)
    tracker.slots["language"] = language
    [message] = (await run_on(ask_action(slot), tracker))[0]
    assert message["response"] == f"utter_ask_{slot}"
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == expected


async def test_a_tapped_quick_reply_fills_the_slot_as_rasa_parses_it(loan_db, frozen_today):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.nlu.training_data.message import Message

    from bot.runtime.settings import PROJECT_ROOT

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    asked = negotiating("promise_to_pay", requested_slot="promise_date", promise_amount="100")
    [question] = (await run_on(ask_action("promise_date"), asked))[0]
    tap = question["buttons"][-1]["payload"]
    parsed = YAMLStoryReader.unpack_regex_message(Message({"text": tap}), domain)
    tracker = asking("promise_to_pay", "promise_date", parsed.get("intent")["name"], tap,
                     entities=parsed.get("entities"), promise_amount="100")
    _, events = await run_on(ValidateArrangementForm(), tracker)
    assert events == [SlotSet("promise_date", "2026-12-07"), SlotSet(REQUESTED, None)]


async def test_without_the_database_the_question_is_still_asked(loan_db, frozen_today, monkeypatch):
    import actions.negotiation

    async def unavailable(work):
        raise ServiceUnavailable()

    monkeypatch.setattr(actions.negotiation, "in_transaction", unavailable)
    [message] = (await run_on(ask_action("instalment_count"),
                              negotiating("instalment_plan", requested_slot="instalment_count")))[0]
    assert (message["response"], message["buttons"]) == ("utter_ask_instalment_count", [])


def ask_action(slot: str):
    return next(action() for action in ASK_ACTIONS if action().name() == f"action_ask_{slot}")
