"""Recording review items (bot/training/recording.py), on SQLite and PostgreSQL: once per
message whatever happens twice, with the model's best guess (never its fallback), the language,
the borrower and the transcript's row; nothing for what the borrower did not write."""
from __future__ import annotations

import pytest

from bot.training.languages import language_of
from bot.training.recording import Said, record_review
from tests.builders import alice, load, wang
from tests.training.support import RANKED, chat, items, review


@pytest.fixture
def chats(database):
    load(database, wang(), alice())
    with database.transaction() as session:
        chat(session, "conv-wang", "b-1001", ("bot", "您好"), ("borrower", "我想晚点还 "), script="hans")
        chat(session, "conv-alice", "b-2001")
    return database


def test_a_message_is_recorded_with_what_the_model_made_of_it(chats):
    with chats.transaction() as session:
        review(session, "我想晚点还", conversation_id="conv-wang", key="m-1")
    [item] = items(chats)
    assert (item.conversation_id, item.message_key, item.borrower_id, item.text, item.language) == (
        "conv-wang", "m-1", "b-1001", "我想晚点还", "zh_hans")
    # the best guess, not nlu_fallback (whose confidence is only the threshold)
    assert (item.predicted_intent, item.confidence, item.reason, item.status) == (
        "request_deferral", 0.41, "unsure", "open")
    assert item.ranking == [[name, confidence] for name, confidence in RANKED]
    assert item.message_id is not None  # the transcript's row: the inbox shows what was around it
    assert item.created_at.tzinfo is not None


def test_the_same_message_twice_is_one_item_and_keeps_its_first_reason(chats):
    with chats.transaction() as session:
        first = review(session, "hmm", conversation_id="conv-alice", key="m-7", reason="fallback")
        again = review(session, "hmm", conversation_id="conv-alice", key="m-7", reason="handoff")
        assert again.id == first.id
    with chats.transaction() as session:  # a retried action, in a transaction of its own
        review(session, "hmm", conversation_id="conv-alice", key="m-7", reason="unsure")
    assert [(item.reason, item.message_key) for item in items(chats)] == [("fallback", "m-7")]


def test_the_same_words_in_another_message_are_another_item(chats):
    with chats.transaction() as session:
        review(session, "hmm", conversation_id="conv-alice", key="m-1")
        review(session, "hmm", conversation_id="conv-alice", key="m-2")
        review(session, "hmm", conversation_id="conv-wang", key="m-1")
    assert len(items(chats)) == 3


@pytest.mark.parametrize("text", ["/affirm", "/inform{\"loan_id\": \"L-1\"}", "EXTERNAL: handed_back", "  "])
def test_what_the_borrower_did_not_write_is_not_recorded(chats, text):
    with chats.transaction() as session:
        assert record_review(session, Said("conv-alice", "m-1", text, "affirm"), "fallback") is None
    assert items(chats) == []


def test_a_chat_outside_the_gateway_is_recorded_without_a_borrower(chats):
    with chats.transaction() as session:
        review(session, "what now", conversation_id="rasa-shell", intent="out_of_scope",
               ranking=(("out_of_scope", 0.55), ("greet", 0.2)), reason="fallback")
    [item] = items(chats)
    assert (item.borrower_id, item.message_id, item.predicted_intent, item.confidence) == (
        None, None, "out_of_scope", 0.55)


def test_without_a_ranking_there_is_no_confidence(chats):
    with chats.transaction() as session:
        review(session, "??", conversation_id="conv-alice", intent="nlu_fallback", ranking=())
    [item] = items(chats)
    assert (item.predicted_intent, item.confidence, item.ranking) == ("nlu_fallback", None, [])


def test_an_unknown_reason_is_a_mistake(chats):
    with chats.transaction() as session, pytest.raises(ValueError, match="unsure, fallback, handoff"):
        record_review(session, Said("conv-alice", "m-1", "hi", "greet"), "bored")


@pytest.mark.parametrize(("text", "script", "language"), [
    ("how much do I owe", None, "en"),
    ("我还欠多少钱", None, "zh_hans"),
    ("我還欠多少錢", None, "zh_hant"),
    ("hi 你好", None, "mixed"),
    ("ok谢谢", "hans", "mixed"),
    ("3Q啦", None, "zh_hans"),  # a letter is not an English word
    ("你好", "hant", "zh_hant"),  # the same in both scripts: the conversation's
    ("你好", None, "zh_hans"),
    ("500", "hant", "zh_hant"),  # no words at all: the conversation's
    ("👍", None, "en"),
])
def test_the_language_is_the_training_file_it_goes_to(text, script, language):
    assert language_of(text, script) == language
