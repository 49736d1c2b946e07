"""The actions put messages into the trainers' review inbox as they act on them: a "Did you mean
…?" (unsure), a request to rephrase or "I can't help" (fallback), a handoff (handoff). Once per
message, however often an action runs on it; never a tapped button; and never at the cost of an
answer. Real actions on a real database, trackers built in the test."""
from __future__ import annotations

import pytest
from sqlalchemy import select

import actions.review
from actions.context import ServiceUnavailable
from actions.handoff import ActionHandOver
from actions.understanding import ActionNotUnderstood
from bot.db.models import Handoff, ReviewItem
from tests.actions.conftest import conversation, run_on


def user(text: str, intent: str, *ranking: tuple[str, float], message_id: str = "msg-1") -> dict:
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    top = {"name": intent, "confidence": ranked[0]["confidence"] if ranked else 1.0}
    return {"event": "user", "text": text, "message_id": message_id, "timestamp": 1700000000.5,
            "parse_data": {"intent": top, "intent_ranking": ranked, "entities": [], "text": text,
                           "message_id": message_id}}


UNSURE = user("can I pay in a bit or split it", "nlu_fallback", ("nlu_fallback", 0.7),
              ("request_deferral", 0.38), ("request_instalment", 0.36))
FELL_BACK = user("what's the weather like", "out_of_scope", ("out_of_scope", 0.81), ("greet", 0.05))


def recorded(database) -> list[tuple]:
    with database.transaction() as session:
        return [(item.conversation_id, item.message_key, item.borrower_id, item.text, item.reason,
                 item.predicted_intent, item.confidence)
                for item in session.execute(select(ReviewItem).order_by(ReviewItem.id)).scalars()]


async def test_an_unsure_message_is_recorded_once(loan_db):
    tracker = conversation("conv-alice", ["ask_balance", UNSURE])
    for _ in range(2):  # Rasa retrying the action: one item all the same
        messages, _ = await run_on(ActionNotUnderstood(), tracker)
        assert messages[0]["buttons"]  # the question was asked
    assert recorded(loan_db) == [("conv-alice", "msg-1", "b-2001", "can I pay in a bit or split it", "unsure",
                                  "request_deferral", 0.38)]


async def test_a_message_fallen_back_on_is_recorded(loan_db):
    await run_on(ActionNotUnderstood(), conversation("conv-alice", ["ask_balance", FELL_BACK]))
    assert recorded(loan_db) == [("conv-alice", "msg-1", "b-2001", "what's the weather like", "fallback",
                                  "out_of_scope", 0.81)]


async def test_the_second_not_understood_hands_over_and_is_one_item(loan_db):
    second = user("blah blah", "nlu_fallback", ("nlu_fallback", 0.7), message_id="msg-2")
    tracker = conversation("conv-wang", [FELL_BACK, second], language="zh")
    messages, _ = await run_on(ActionNotUnderstood(), tracker)
    assert [message["response"] for message in messages] == ["utter_handover_not_understood"]
    assert [(key, reason) for _, key, _, _, reason, _, _ in recorded(loan_db)] == [("msg-2", "fallback")]
    with loan_db.transaction() as session:
        assert session.execute(select(Handoff.reason)).scalars().all() == ["not_understood"]


async def test_a_message_that_ends_in_a_handoff_is_recorded(loan_db):
    said = user("I lost my job and can't pay", "hardship", ("hardship", 0.93), ("request_deferral", 0.04))
    await run_on(ActionHandOver(), conversation("conv-alice", [said]))
    assert recorded(loan_db) == [("conv-alice", "msg-1", "b-2001", "I lost my job and can't pay", "handoff",
                                  "hardship", 0.93)]


async def test_a_tapped_button_is_not_recorded(loan_db):
    tapped = user("/nlu_fallback", "nlu_fallback", ("nlu_fallback", 1.0))  # "something else"
    await run_on(ActionNotUnderstood(), conversation("conv-alice", ["ask_balance", UNSURE, tapped]))
    assert recorded(loan_db) == []


async def test_without_a_message_id_the_event_time_keys_it(loan_db):
    said = {**UNSURE, "message_id": None, "parse_data": {**UNSURE["parse_data"], "message_id": None}}
    tracker = conversation("conv-alice", [said])
    await run_on(ActionNotUnderstood(), tracker)
    await run_on(ActionNotUnderstood(), tracker)
    assert [key for _, key, *_ in recorded(loan_db)] == ["at:1700000000.5"]


async def test_without_the_database_the_bot_still_answers(loan_db, monkeypatch):
    async def unavailable(work):
        raise ServiceUnavailable()

    monkeypatch.setattr(actions.review, "in_transaction", unavailable)
    tracker = conversation("conv-alice", ["ask_balance", FELL_BACK])
    messages, events = await run_on(ActionNotUnderstood(), tracker)
    assert ([message["response"] for message in messages], events) == (["utter_out_of_scope"], [])
    assert recorded(loan_db) == []


@pytest.mark.parametrize("intent", ["nlu_fallback", "out_of_scope"])
async def test_a_hand_made_tracker_without_ids_is_recorded_once(loan_db, intent):
    tracker = conversation("conv-alice", ["ask_balance", intent])
    await run_on(ActionNotUnderstood(), tracker)
    await run_on(ActionNotUnderstood(), tracker)
    [item] = recorded(loan_db)
    # the fallback's confidence is only the threshold: not the model's
    assert item[1].startswith("n:2:") and item[5:] == (intent, None if intent == "nlu_fallback" else 0.9)
