"""Pure rules: the request body, slash neutralisation, button payloads, Traditional replies,
and the in-process hub and locks."""
from __future__ import annotations

import asyncio
import json

import pytest

from bot.gateway.errors import ApiError
from bot.gateway.inbound import (
    FULLWIDTH_SOLIDUS,
    MAX_TEXT_CHARS,
    neutralise_commands,
    parse_chat_body,
    text_for_rasa,
)
from bot.gateway.live.hub import LocalHub
from bot.gateway.locks import KeyedLocks
from bot.gateway.outbound import ChatMessage, in_script, replies_from_rasa
from bot.language import to_traditional


@pytest.mark.parametrize("text, expected", [
    ("/greet", "／greet"),
    ('/inform{"amount": "1"}', '／inform{"amount": "1"}'),
    ("  /restart", "  ／restart"),
    ("\n\t\u3000/stop", "\n\t\u3000／stop"),  # Rasa strips Unicode whitespace too
    ("//x", "／／x"),
    ("/", "／"),
    ("pay 50/50", "pay 50/50"),
    ("hello /greet", "hello /greet"),
    ("我周五还500", "我周五还500"),
])
def test_leading_slashes_become_fullwidth(text, expected):
    assert neutralise_commands(text) == expected
    assert not neutralise_commands(text).strip().startswith("/")


def test_a_tapped_button_payload_reaches_rasa_unchanged():
    choose = '/choose_method{"method": "bank"}'
    assert text_for_rasa("/affirm", {"/affirm", choose}) == "/affirm"
    assert text_for_rasa(choose, {"/affirm", choose}) == choose


@pytest.mark.parametrize("text", [
    "/deny",                                  # not offered
    " /affirm",                               # not exactly the payload
    "/affirm ",
    '/choose_method{"method": "cash"}',       # offered intent, forged entities
])
def test_anything_but_an_offered_payload_is_neutralised(text):
    offered = {"/affirm", '/choose_method{"method": "bank"}'}
    assert FULLWIDTH_SOLIDUS in text_for_rasa(text, offered)
    assert not text_for_rasa(text, offered).strip().startswith("/")


def test_no_buttons_on_screen_means_no_pass_through():
    assert text_for_rasa("/affirm", frozenset()) == "／affirm"


@pytest.mark.parametrize("raw", [
    b"", b"hello", b"[1, 2]", b'["text"]', b"null", b'"text"', b"{}", b'{"txt": "hi"}',
    b'{"text": 5}', b'{"text": null}', b'{"text": ["hi"]}', b"[" * 50000,
])
def test_malformed_bodies_are_400(raw):
    with pytest.raises(ApiError) as error:
        parse_chat_body(raw)
    assert error.value.status == 400


@pytest.mark.parametrize("text", ["", " ", "\n\t ", "\u3000"])
def test_empty_text_is_400(text):
    with pytest.raises(ApiError) as error:
        parse_chat_body(json.dumps({"text": text}).encode())
    assert error.value.status == 400


@pytest.mark.parametrize("text", ["a\x00b", "\ud800"])
def test_text_that_cannot_be_stored_is_400(text):
    with pytest.raises(ApiError) as error:
        parse_chat_body(json.dumps({"text": text}).encode())
    assert error.value.status == 400


def test_length_counts_characters_not_bytes():
    assert parse_chat_body(json.dumps({"text": "还" * MAX_TEXT_CHARS}).encode()) == "还" * 2000
    with pytest.raises(ApiError) as error:
        parse_chat_body(json.dumps({"text": "a" * (MAX_TEXT_CHARS + 1)}).encode())
    assert error.value.status == 413


def test_the_text_is_kept_as_sent_and_other_fields_are_ignored():
    body = {"text": "  /hi  ", "borrower_id": "b-2", "sender": "someone-else"}
    assert parse_chat_body(json.dumps(body).encode()) == "  /hi  "


def test_only_text_replies_are_kept_with_their_payload_buttons():
    answer = [
        {"recipient_id": "c", "text": "hello", "buttons": [
            {"title": "Yes", "payload": "/affirm"},
            {"title": "Site", "url": "https://example.com", "type": "web_url"},
            "junk",
        ]},
        {"recipient_id": "c", "image": "https://example.com/a.png"},
        {"recipient_id": "c", "custom": {"a": 1}},
        {"recipient_id": "c", "text": ""},
        {"recipient_id": "c", "text": "bye"},
        "junk",
    ]
    assert replies_from_rasa(answer) == [
        ChatMessage("hello", [{"title": "Yes", "payload": "/affirm"}]),
        ChatMessage("bye", []),
    ]
    assert ChatMessage("bye").as_json() == {"text": "bye", "buttons": []}


def test_hant_converts_texts_and_titles_but_never_payloads():
    payload = '/pay{"method": "银行"}'
    reply = ChatMessage("您还欠款，请选择还款方式", [{"title": "银行转账", "payload": payload}])
    converted = in_script(reply, "hant")
    assert converted.text == to_traditional(reply.text) != reply.text
    assert converted.buttons == [{"title": to_traditional("银行转账"), "payload": payload}]
    assert converted.buttons[0]["title"] != "银行转账"


@pytest.mark.parametrize("script", ["hans", "en", None])
def test_other_scripts_read_the_reply_as_written(script):
    reply = ChatMessage("您还欠款", [{"title": "银行转账", "payload": "/x"}])
    assert in_script(reply, script) == reply


async def test_hub_delivers_to_each_subscriber_of_the_conversation_only():
    hub = LocalHub()
    async with hub.subscribe("c1") as first, hub.subscribe("c1") as second, \
            hub.subscribe("c2") as other:
        await hub.publish("c1", {"from": "agent", "text": "hi"})
        assert await asyncio.wait_for(first.__anext__(), 1) == {"from": "agent", "text": "hi"}
        assert await asyncio.wait_for(second.__anext__(), 1) == {"from": "agent", "text": "hi"}
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(other.__anext__(), 0.05)
    assert hub.subscriber_count("c1") == 0
    await hub.publish("c1", {"from": "bot", "text": "nobody listens"})  # no error


async def test_a_listener_that_falls_behind_is_ended_not_buffered_forever():
    hub = LocalHub(max_queued=3)
    async with hub.subscribe("c") as events:
        for n in range(10):
            await hub.publish("c", {"n": n})
        received = [event async for event in events]
    assert received == [{"n": 0}, {"n": 1}, {"n": 2}]


async def test_keyed_locks_serialise_one_key_and_are_dropped_when_unused():
    locks, order = KeyedLocks(), []

    async def work(key, name):
        async with locks(key):
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.gather(work("a", "1"), work("a", "2"), work("b", "3"))
    assert order.index("1 out") < order.index("2 in")
    assert len(locks._locks) == 0
