"""The gateway's records on both databases (SQLite and PostgreSQL, the `database` fixture)."""
from __future__ import annotations

from bot.gateway.conversations import Conversations
from bot.gateway.outbound import ChatMessage
from tests.builders import load
from tests.gateway.support import BORROWERS, MENU, audit_events


def _store(database) -> Conversations:
    load(database, *BORROWERS)
    return Conversations(database)


async def test_conversation_messages_pending_and_history(database):
    store = _store(database)
    assert await store.borrower_exists("b-1") and not await store.borrower_exists("b-404")
    first = await store.current("b-1")
    assert first.created and first.status == "bot" and first.script is None
    again = await store.current("b-1")
    assert (again.id, again.created) == (first.id, False)
    assert (await store.current("b-2")).id != first.id
    assert await store.current("b-404") is None  # nothing started for a borrower nobody knows

    received = await store.add_borrower_message(first.id, "請問還欠多少")
    assert received.script == "hant"
    [pending] = received.pending
    assert (pending.text, pending.offered_payloads) == ("請問還欠多少", frozenset())
    assert await store.record_delivery(first.id, pending.id, [ChatMessage("请选择", MENU)]) == "bot"
    [tap] = (await store.add_borrower_message(first.id, "/affirm")).pending
    assert tap.offered_payloads == {b["payload"] for b in MENU}

    history = await store.history(first.id)
    assert [(e["from"], e["text"]) for e in history] == [
        ("borrower", "請問還欠多少"), ("bot", "请选择"), ("borrower", "/affirm")]
    assert history[1]["buttons"] == MENU
    assert len(audit_events(database, "conversation_started")) == 2


async def test_a_closed_conversation_is_followed_by_a_new_one(database):
    from bot.db.models import Conversation

    store = _store(database)
    first = await store.current("b-1")
    with database.transaction() as session:
        session.get(Conversation, first.id).status = "closed"
    second = await store.current("b-1")
    assert second.created and second.id != first.id


async def test_a_tap_may_send_any_button_of_the_bot_s_latest_turn_only(database):
    store = _store(database)
    conversation = (await store.current("b-1")).id
    [first] = (await store.add_borrower_message(conversation, "hmm")).pending
    earlier = [{"title": "Yes", "payload": "/affirm"}]
    await store.record_delivery(conversation, first.id, [ChatMessage("Shall I?", earlier)])
    [second] = (await store.add_borrower_message(conversation, "can I pay later or split it")).pending
    did_you_mean = [{"title": "Pay later", "payload": "/request_deferral"}]
    question = [{"title": "Mon 30 Nov", "payload": '/inform{"date": "2026-11-30"}'}]
    await store.record_delivery(conversation, second.id, [ChatMessage("Did you mean?", did_you_mean),
                                            ChatMessage("On which date?", question)])
    [tap] = (await store.add_borrower_message(conversation, "/request_deferral")).pending
    assert tap.offered_payloads == {"/request_deferral", '/inform{"date": "2026-11-30"}'}
