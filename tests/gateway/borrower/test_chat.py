"""The chat itself, against a fake Rasa on a loopback port (tests/gateway/support.py: FakeRasa;
the full-stack tests with the real trained model live elsewhere): replies, the transcript,
outages, ordering, the WebSocket, button payloads and Traditional Chinese."""
from __future__ import annotations

import asyncio
import json
from datetime import datetime

from bot.gateway.live.borrower_feed import agent_said
from bot.language import next_script, to_traditional
from tests.gateway.support import MENU, audit_events, bearer, messages_of, token

CHAT = "/api/v1/chat"
HISTORY = "/api/v1/chat/history"
WS = "/api/v1/chat/ws"


async def _chat(client, text: str, borrower: str = "b-1", status: int = 200, **extra) -> dict:
    response = await client.post(CHAT, json={"text": text, **extra}, headers=bearer(borrower))
    body = await response.json()
    assert response.status == status, body
    return body


async def _history(client, borrower: str = "b-1") -> dict:
    response = await client.get(HISTORY, headers=bearer(borrower))
    assert response.status == 200
    return await response.json()


async def test_replies_are_returned_and_stored(gateway, fake_rasa, borrowers):
    body = await _chat(gateway, "menu")
    assert body["status"] == "bot" and len(body["conversation_id"]) == 32
    # The image, the custom payload and the blank text are left out; buttons always present.
    assert body["messages"] == [{"text": "请选择", "buttons": MENU}]
    assert (await _chat(gateway, "hello"))["messages"] == [{"text": "echo: hello", "buttons": []}]

    assert fake_rasa.received[0] == {
        "sender": body["conversation_id"], "message": "menu",
        "metadata": {"borrower_id": "b-1", "timezone": "Asia/Shanghai"},
    }
    stored = [(m.sender, m.text, m.buttons, m.delivered)
              for m in messages_of(borrowers, body["conversation_id"])]
    assert stored == [
        ("borrower", "menu", None, True), ("bot", "请选择", MENU, True),
        ("borrower", "hello", None, True), ("bot", "echo: hello", None, True),
    ]


async def test_one_conversation_per_borrower_started_once_and_audited(gateway, borrowers):
    first = await _chat(gateway, "hi")
    assert (await _chat(gateway, "again"))["conversation_id"] == first["conversation_id"]
    assert (await _history(gateway))["conversation_id"] == first["conversation_id"]
    [started] = audit_events(borrowers, "conversation_started")
    assert (started.actor, started.borrower_id, started.conversation_id) == (
        "borrower:b-1", "b-1", first["conversation_id"])


async def test_history_has_the_transcript_with_iso_timestamps(gateway):
    await _chat(gateway, "menu")
    history = await _history(gateway)
    assert history["status"] == "bot"
    assert [(e["from"], e["text"]) for e in history["events"]] == [
        ("borrower", "menu"), ("bot", "请选择")]
    assert history["events"][1]["buttons"] == MENU
    assert "buttons" not in history["events"][0]
    for event in history["events"]:
        assert set(event) <= {"from", "text", "at", "buttons"}
        assert datetime.fromisoformat(event["at"]).utcoffset() is not None


async def test_a_first_history_starts_an_empty_conversation(gateway):
    history = await _history(gateway, "b-2")
    assert history["events"] == [] and history["status"] == "bot" and history["conversation_id"]


async def test_the_status_is_read_after_the_bot_ran(gateway):
    # The fake, like the handoff action, sets the conversation to handoff while handling.
    assert (await _chat(gateway, "human"))["status"] == "handoff"
    assert (await _history(gateway))["status"] == "handoff"


async def test_the_borrower_is_always_the_tokens(gateway, fake_rasa):
    a = await _chat(gateway, "secret of A", "b-1")
    b = await _chat(gateway, "hello from B", "b-2")
    forged = await _chat(gateway, "hi", "b-1", borrower_id="b-2", sender=b["conversation_id"],
                         conversation_id=b["conversation_id"], metadata={"borrower_id": "b-2"})
    assert a["conversation_id"] != b["conversation_id"]
    assert (await _history(gateway, "b-2"))["conversation_id"] == b["conversation_id"]
    assert forged["conversation_id"] == a["conversation_id"]
    assert fake_rasa.received[-1] == {
        "sender": a["conversation_id"], "message": "hi",
        "metadata": {"borrower_id": "b-1", "timezone": "Asia/Shanghai"}}
    b_texts = json.dumps(await _history(gateway, "b-2"), ensure_ascii=False)
    assert "secret of A" not in b_texts and '"hi"' not in b_texts
    a_texts = [e["text"] for e in (await _history(gateway, "b-1"))["events"]]
    assert "hello from B" not in a_texts and "hi" in a_texts


async def test_pending_messages_are_delivered_first_after_an_outage(gateway, fake_rasa, borrowers):
    fake_rasa.down = True
    first = await _chat(gateway, "first", status=503)
    await _chat(gateway, "second", status=503)
    assert first["conversation_id"] and "error" in first
    assert [e["text"] for e in (await _history(gateway))["events"]] == ["first", "second"]

    fake_rasa.down = False
    body = await _chat(gateway, "third")
    assert [m["text"] for m in body["messages"]] == ["echo: first", "echo: second", "echo: third"]
    assert fake_rasa.texts() == ["first", "second", "third"]
    assert all(m.delivered for m in messages_of(borrowers, body["conversation_id"]))
    assert len(audit_events(borrowers, "bot_unavailable")) == 2


async def test_messages_of_one_conversation_never_interleave(gateway, fake_rasa, borrowers):
    texts = [f"slow {n}" for n in range(5)]
    bodies = await asyncio.gather(*(_chat(gateway, text) for text in texts))
    for text, body in zip(texts, bodies, strict=True):  # each answer is its own message's, nothing else
        assert body["messages"] == [{"text": f"echo: {text}", "buttons": []}]
    assert fake_rasa.max_in_flight[bodies[0]["conversation_id"]] == 1
    # Rasa saw them in the order they were kept, each answer right after its message.
    transcript = [m.text for m in messages_of(borrowers, bodies[0]["conversation_id"])]
    assert transcript[1::2] == [f"echo: {t}" for t in transcript[0::2]]
    assert fake_rasa.texts() == transcript[0::2]


async def test_different_borrowers_are_not_serialised(gateway, fake_rasa):
    await asyncio.gather(_chat(gateway, "slow a", "b-1"), _chat(gateway, "slow b", "b-2"))
    assert fake_rasa.max_in_flight_total == 2


async def test_the_websocket_receives_bot_and_agent_messages(gateway):
    async with gateway.ws_connect(WS, params={"token": token("b-1")}) as query_ws, \
            gateway.ws_connect(WS, headers=bearer("b-1")) as header_ws, \
            gateway.ws_connect(WS, headers=bearer("b-2")) as other_ws:
        await _chat(gateway, "menu")
        for ws in (query_ws, header_ws):
            bot = {"from": "bot", "text": "请选择", "buttons": MENU}
            assert await ws.receive_json(timeout=5) == bot
        # What the agent API does with an agent's message:
        await agent_said(gateway.server.app, "b-1", "您好")
        assert await query_ws.receive_json(timeout=5) == {"from": "agent", "text": "您好"}
        await _chat(gateway, "hello", "b-2")
        assert (await other_ws.receive_json(timeout=5))["text"] == "echo: hello"
        assert (await header_ws.receive_json(timeout=5))["from"] == "agent"  # nothing of b-2's


async def test_a_tapped_button_reaches_rasa_and_typed_commands_do_not(
    gateway, fake_rasa, borrowers
):
    await _chat(gateway, "menu")
    await _chat(gateway, "/affirm")  # a payload of the buttons on screen: as it is
    await _chat(gateway, "  /deny")  # typed: neutralised
    body = await _chat(gateway, "/affirm")  # the buttons on screen now are none
    assert fake_rasa.texts() == ["menu", "/affirm", "  ／deny", "／affirm"]
    transcript = [m.text for m in messages_of(borrowers, body["conversation_id"])
                  if m.sender == "borrower"]
    assert transcript == ["menu", "/affirm", "  /deny", "/affirm"]  # what the borrower sent


async def test_a_tap_kept_during_an_outage_is_still_a_tap(gateway, fake_rasa):
    await _chat(gateway, "menu")
    fake_rasa.down = True
    await _chat(gateway, MENU[1]["payload"], status=503)
    fake_rasa.down = False
    # Sent while the menu was still the last bot message on screen: a tap too.
    await _chat(gateway, "/affirm")
    # By now the bot's last message (an echo) has no buttons.
    await _chat(gateway, "/affirm")
    assert fake_rasa.texts() == ["menu", MENU[1]["payload"], "/affirm", "／affirm"]


async def test_a_borrower_writing_traditional_reads_traditional(gateway, fake_rasa, borrowers):
    text = "請問我還欠多少錢？"
    assert next_script(None, text) == "hant"
    body = await _chat(gateway, text)
    expected = {
        "text": to_traditional("您还欠款 1095.00 元，请选择还款方式"),
        "buttons": [{"title": to_traditional("银行转账"), "payload": MENU[1]["payload"]}],
    }
    assert body["messages"] == [expected]
    assert expected["text"] != "您还欠款 1095.00 元，请选择还款方式"
    assert fake_rasa.texts() == [text]  # Rasa reads what was written
    stored = (await _history(gateway))["events"][1]
    assert (stored["from"], stored["text"], stored["buttons"]) == (
        "bot", expected["text"], expected["buttons"])
    # A tap on the converted button still sends the unconverted payload, as a tap.
    await _chat(gateway, MENU[1]["payload"])
    assert fake_rasa.texts()[-1] == MENU[1]["payload"]
    # Simplified again: Simplified replies.
    simplified = await _chat(gateway, "我还欠多少钱")
    assert simplified["messages"][0]["text"] == "您还欠款 1095.00 元，请选择还款方式"


async def test_a_slow_bot_times_out_into_503_and_the_message_is_kept(
    make_gateway, fake_rasa, borrowers
):
    client = await make_gateway(fake_rasa.url, rasa_timeout=0.3)
    body = await _chat(client, "hang", status=503)
    [message] = messages_of(borrowers, body["conversation_id"])
    assert (message.text, message.delivered) == ("hang", False)


async def test_a_wrong_rasa_token_is_503_not_silence(make_gateway, fake_rasa):
    client = await make_gateway(fake_rasa.url, rasa_token="not-the-channel-token")
    await _chat(client, "hi", status=503)
    assert fake_rasa.received == []  # the channel refused it (401)


async def test_healthz_with_everything_up(gateway):
    health = await (await gateway.get("/healthz")).json()
    assert health == {"status": "ok", "rasa": True, "database": True}
