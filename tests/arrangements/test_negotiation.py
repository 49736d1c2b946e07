"""Which refusals go to a person, the offers a conversation has met, and what the form reads in a
message as an answer to its question (bot.arrangements.negotiation)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.arrangements.kinds import DEFERRAL, INSTALMENT_PLAN, PROMISE_TO_PAY
from bot.arrangements.negotiation import (
    Offer,
    Said,
    Suggestion,
    needs_person,
    noted,
    offer_replies,
    question,
    step,
)
from tests.arrangements.test_kinds import OWED, TODAY, where


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


# --- the form reads a message as an answer to the question asked -------------------------------

PLAN = Offer(True, INSTALMENT_PLAN, "L-1", "CNY")
PROMISE = Offer(True, PROMISE_TO_PAY, "L-1", "CNY")
DEFERRING = Offer(True, DEFERRAL, "L-1", "CNY")
FIRST_DATE, COUNT = INSTALMENT_PLAN.field("first_due_date"), INSTALMENT_PLAN.field("count")
LAST_FIRST_DATE = (TODAY + timedelta(days=7)).isoformat()


def said(intent: str | None, text: str = "", **entities: str) -> Said:
    return Said(intent, text, [{"entity": name, "value": value, "start": 0, "end": 1}
                               for name, value in entities.items()])


def first_answer(offer: Offer, message: Said):
    """The form's step for the request itself, nothing asked yet."""
    return step(offer, where(), list(offer.kind.fields), None, None, message, "en")


def plan_step(message: Said, pending: Suggestion | None = None):
    return step(PLAN, where(), [FIRST_DATE], "first_payment_date", pending, message, "en")


@pytest.mark.parametrize("message", [
    said("affirm", "yes"), said("affirm", "可以"), said("nlu_fallback", "whenever"),
    said("deny", "any day is fine"), said("out_of_scope", "as late as possible"),
    said("inform", "随便"), said(None, "哪天都行"), said("nlu_fallback", "越晚越好"),
])
def test_a_yes_or_whenever_to_a_date_question_proposes_the_latest_day(message):
    result = plan_step(message)
    assert (result.filled, result.replies) == ({}, [])
    assert result.suggestion == Suggestion("first_payment_date", LAST_FIRST_DATE)


def test_a_yes_to_the_proposal_takes_it_and_a_no_asks_again():
    pending = Suggestion("first_payment_date", LAST_FIRST_DATE)
    taken = plan_step(said("affirm", "ok"), pending)
    assert (taken.filled, taken.suggestion) == ({"first_payment_date": LAST_FIRST_DATE}, None)
    again = plan_step(said("deny", "no"), pending)
    assert (again.filled, again.replies, again.suggestion) == ({}, [], None)


def test_a_question_in_between_leaves_the_proposal_waiting():
    pending = Suggestion("first_payment_date", LAST_FIRST_DATE)
    assert plan_step(said("ask_balance", "how much do I owe?"), pending).suggestion == pending


def test_a_date_answers_whatever_the_intent_and_replaces_the_proposal():
    day = (TODAY + timedelta(days=5)).isoformat()
    pending = Suggestion("first_payment_date", LAST_FIRST_DATE)
    for intent in ("inform", "promise_to_pay", "affirm", "request_deferral", "deny"):
        result = plan_step(said(intent, "the 28th when I get paid", date=day), pending)
        assert (result.filled, result.suggestion) == ({"first_payment_date": day}, None), intent


@pytest.mark.parametrize("intent", ["hardship", "distress", "dispute_debt", "request_human", "refuse_to_pay"])
def test_a_person_s_case_is_never_read_as_an_answer(intent):
    day = (TODAY + timedelta(days=5)).isoformat()
    pending = Suggestion("first_payment_date", LAST_FIRST_DATE)
    result = plan_step(said(intent, "I lost my job, whenever", date=day), pending)
    assert (result.filled, result.replies, result.suggestion) == ({}, [], pending)


def test_a_yes_to_a_count_question_proposes_nothing():
    result = step(PLAN, where(), [COUNT, FIRST_DATE], "instalment_count", None, said("affirm", "yes"), "en")
    assert (result.filled, result.suggestion) == ({}, None)


def test_a_date_gives_a_deferral_its_days():
    day = (TODAY + timedelta(days=20)).isoformat()
    result = step(DEFERRING, where(), list(DEFERRAL.fields), None, None,
                  said("request_deferral", "can I pay on the 20th", date=day), "en")
    assert (result.filled, result.replies, result.suggestion) == ({"deferral_days": "20"}, [], None)


@pytest.mark.parametrize("offer, slot, entity, value, nearest", [
    (DEFERRING, "deferral_days", "duration_days", "45", "30"),
    (DEFERRING, "deferral_days", "date", (TODAY + timedelta(days=40)).isoformat(), "30"),
    (PROMISE, "promise_date", "date", (TODAY + timedelta(days=20)).isoformat(),
     (TODAY + timedelta(days=14)).isoformat()),
    (PROMISE, "promise_amount", "amount", "5000", str(OWED)),
    (PLAN, "instalment_count", "instalments", "24", "12"),
])
def test_a_value_past_the_limit_is_refused_and_the_nearest_allowed_proposed(offer, slot, entity, value,
                                                                            nearest):
    result = first_answer(offer, said("inform", **{entity: value}))
    assert result.filled[slot] is None
    assert result.replies[0].response == f"utter_invalid_{slot}"
    assert result.suggestion == Suggestion(slot, nearest)


@pytest.mark.parametrize("entity, value", [("date", (TODAY - timedelta(days=2)).isoformat()),
                                           ("instalments", "4")])
def test_a_value_refused_for_another_reason_is_only_asked_again(entity, value):
    result = first_answer(PROMISE if entity == "date" else PLAN, said("inform", **{entity: value}))
    assert len(result.replies) == 1 and result.suggestion is None


def test_a_date_question_offers_quick_replies_of_allowed_days():
    reply = question(PROMISE, PROMISE_TO_PAY.field("date"), where(), None, "en")
    assert reply.response == "utter_ask_promise_date"
    assert [b["payload"] for b in reply.buttons] == [
        f'/inform{{"date": "{(TODAY + timedelta(days=n)).isoformat()}"}}' for n in (3, 7, 14)]
    assert [b["title"] for b in reply.buttons] == ["Thu 26 Nov", "Mon 30 Nov", "Mon 7 Dec"]
    zh = question(PROMISE, PROMISE_TO_PAY.field("date"), where(), None, "zh")
    assert [b["title"] for b in zh.buttons] == ["11月26日（周四）", "11月30日（周一）", "12月7日（周一）"]


def test_count_and_amount_questions_offer_the_counts_and_the_full_amount():
    counts = question(PLAN, COUNT, where(), None, "en")
    assert [(b["title"], b["payload"]) for b in counts.buttons] == [
        (str(n), f'/inform{{"instalments": "{n}"}}') for n in (3, 6, 12)]
    amount = question(PROMISE, PROMISE_TO_PAY.field("amount"), where(), None, "zh")
    assert [(b["title"], b["payload"]) for b in amount.buttons] == [
        ("¥1,095.00", '/inform{"amount": "1095.00"}')]


def test_a_waiting_proposal_is_asked_as_a_yes_or_no():
    pending = Suggestion("deferral_days", "30")
    reply = question(DEFERRING, DEFERRAL.field("days"), where(), pending, "en")
    assert (reply.response, reply.values, reply.buttons) == (
        "utter_suggest_deferral_days", {"value": 30, "date": "23 Dec 2026"}, ())
