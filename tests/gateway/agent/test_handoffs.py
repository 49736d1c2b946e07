"""The agents' side of a handoff through the gateway (CONTRACT §5): the queue, every transition
(and every refused one), the live chat both ways, handing back to the bot through Rasa's HTTP
API, closing, and the audit. A real SQLite database and the fake Rasa on a loopback port;
the same flows against the real bot are in tests/conversations/test_agent_takeover.py."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.auth.agent_tokens import issue_agent_token
from bot.auth.agents import add_agent
from bot.clock import today_in
from bot.db.models import Arrangement, Borrower, Conversation, Handoff
from bot.handoffs.opening import open_handoff
from bot.runtime.settings import DEV_AGENT_JWT_SECRET
from tests.builders import bill, borrower, load
from tests.gateway.support import audit_events, bearer, messages_of, open_case, token

HANDOFFS = "/api/v1/agent/handoffs"


def agent(username: str = "alice") -> dict:
    return {"Authorization": f"Bearer {issue_agent_token(DEV_AGENT_JWT_SECRET, username)}"}


@pytest.fixture(autouse=True)
def agents(borrowers):
    with borrowers.transaction() as session:
        for username in ("alice", "bob"):
            add_agent(session, username, "a long enough password")


async def hand_over(gateway, borrower: str = "b-2") -> dict:
    """The borrower asks for a person (the fake Rasa opens the handoff, as the action does)."""
    sent = await gateway.post("/api/v1/chat", json={"text": "human"}, headers=bearer(borrower))
    answer = await sent.json()
    assert answer["status"] == "handoff"
    [case] = [c for c in await queue(gateway) if c["conversation_id"] == answer["conversation_id"]]
    return case


async def queue(gateway, status: str = "open") -> list[dict]:
    response = await gateway.get(HANDOFFS, params={"status": status}, headers=agent())
    assert response.status == 200
    return await response.json()


async def act(gateway, case: dict, verb: str, who: str = "alice", **body):
    return await gateway.post(f"{HANDOFFS}/{case['id']}/{verb}", json=body or None, headers=agent(who))


async def next_json(socket, timeout: float = 3.0) -> dict:
    return await asyncio.wait_for(socket.receive_json(), timeout)


async def test_a_handoff_is_queued_with_what_an_agent_needs(gateway):
    case = await hand_over(gateway)
    assert {k: case[k] for k in ("borrower_id", "reason", "priority", "status", "claimed_by")} == {
        "borrower_id": "b-2", "reason": "human_requested", "priority": 4, "status": "open",
        "claimed_by": None}
    assert case["borrower_name"] == "Ann Lee" and case["language"] == "en"
    assert "Borrower said: “human”" in case["summary"]
    assert set(case) >= {"id", "conversation_id", "created_at", "summary"}


async def test_the_queue_is_ordered_by_priority_then_age(gateway, borrowers):
    conversations = []
    for borrower_id in ("b-1", "b-2", "b-1"):
        sent = await gateway.post("/api/v1/chat", json={"text": "hi"}, headers=bearer(borrower_id))
        answer = await sent.json()
        conversations.append(answer["conversation_id"])
    with borrowers.transaction() as session:
        open_handoff(session, conversations[0], "b-1", "not_understood")  # 5, oldest
        open_handoff(session, conversations[1], "b-2", "distress")  # 1
    assert [c["reason"] for c in await queue(gateway)] == ["distress", "not_understood"]


async def test_claiming_is_once_and_the_other_agent_is_told_who(gateway):
    case = await hand_over(gateway)
    first = await act(gateway, case, "claim")
    assert first.status == 200 and (await first.json())["claimed_by"] == "alice"
    assert (await act(gateway, case, "claim")).status == 200  # the same agent again: no harm
    refused = await act(gateway, case, "claim", who="bob")
    assert refused.status == 409 and "alice" in (await refused.json())["error"]
    assert await queue(gateway, "open") == [] and len(await queue(gateway, "claimed")) == 1


async def test_two_agents_racing_to_claim_one_wins(gateway, borrowers):
    case = await hand_over(gateway)
    answers = await asyncio.gather(act(gateway, case, "claim", "alice"), act(gateway, case, "claim", "bob"))
    assert sorted(a.status for a in answers) == [200, 409]
    assert len(audit_events(borrowers, "handoff_claimed")) == 1


async def test_agent_and_borrower_talk_live_and_nothing_reaches_the_bot(gateway, fake_rasa, borrowers):
    case = await hand_over(gateway)
    assert (await act(gateway, case, "messages", text="hello?")).status == 409  # claim first
    await act(gateway, case, "claim")
    borrower_socket = await gateway.ws_connect("/api/v1/chat/ws", headers=bearer("b-2"))
    agent_socket = await gateway.ws_connect(f"/api/v1/agent/ws?token={agent()['Authorization'][7:]}")

    sent = await act(gateway, case, "messages", text="Hi Ann, I'm Alice from the team.")
    assert sent.status == 201
    assert await next_json(borrower_socket) == {"from": "agent", "text": "Hi Ann, I'm Alice from the team."}
    event = await next_json(agent_socket)
    assert event["type"] == "message" and event["message"]["agent"] == "alice"

    received_before = len(fake_rasa.received)
    answer = await gateway.post("/api/v1/chat", json={"text": "<b>thanks</b>"}, headers=bearer("b-2"))
    assert (await answer.json())["messages"] == []
    event = await next_json(agent_socket)
    assert (event["handoff_id"], event["message"]["from"], event["message"]["text"]) == (
        case["id"], "borrower", "<b>thanks</b>")
    assert len(fake_rasa.received) == received_before  # the bot stays silent

    history = await (await gateway.get("/api/v1/chat/history", headers=bearer("b-2"))).json()
    assert [e["from"] for e in history["events"]][-2:] == ["agent", "borrower"]
    detail = await (await gateway.get(f"{HANDOFFS}/{case['id']}", headers=agent("bob"))).json()
    assert [m["from"] for m in detail["transcript"]] == ["borrower", "bot", "agent", "borrower"]
    await borrower_socket.close()
    await agent_socket.close()


async def test_only_the_claiming_agent_writes_and_text_is_checked(gateway):
    case = await hand_over(gateway)
    await act(gateway, case, "claim")
    assert (await act(gateway, case, "messages", who="bob", text="me too")).status == 409
    assert (await act(gateway, case, "messages", text="   ")).status == 400
    assert (await act(gateway, case, "messages", text="x" * 2001)).status == 413


async def test_release_resumes_the_bot_which_greets_the_borrower(gateway, fake_rasa, borrowers):
    case = await hand_over(gateway)
    await act(gateway, case, "claim")
    borrower_socket = await gateway.ws_connect("/api/v1/chat/ws", headers=bearer("b-2"))
    released = await act(gateway, case, "release")
    assert released.status == 200
    body = await released.json()
    assert (body["status"], body["outcome"]) == ("closed", "released")
    assert fake_rasa.events == [(case["conversation_id"], [{"event": "resume"}])]
    assert fake_rasa.triggered == [(case["conversation_id"], "EXTERNAL_handed_back")]
    assert (await next_json(borrower_socket))["from"] == "bot"
    with borrowers.transaction() as session:
        assert session.get(Conversation, case["conversation_id"]).status == "bot"

    sent = await gateway.post("/api/v1/chat", json={"text": "how much"}, headers=bearer("b-2"))
    answer = await sent.json()
    assert answer["status"] == "bot" and answer["messages"][0]["text"] == "echo: how much"
    assert answer["conversation_id"] == case["conversation_id"]  # the same conversation, its context kept
    assert (await act(gateway, case, "release")).status == 409  # releasing a closed one
    assert (await act(gateway, case, "claim", who="bob")).status == 409
    await borrower_socket.close()


async def test_release_when_rasa_is_down_leaves_the_conversation_with_the_agent(gateway, fake_rasa,
                                                                                 borrowers):
    case = await hand_over(gateway)
    await act(gateway, case, "claim")
    fake_rasa.api_down = True
    refused = await act(gateway, case, "release")
    assert refused.status == 503 and "stays with you" in (await refused.json())["error"]
    [still] = await queue(gateway, "claimed")
    assert still["claimed_by"] == "alice"
    fake_rasa.api_down = False
    assert (await act(gateway, case, "release")).status == 200


async def test_close_ends_the_conversation_and_the_next_message_starts_a_new_one(gateway, borrowers):
    case = await hand_over(gateway)
    assert (await act(gateway, case, "close", who="bob")).status == 200  # straight from the queue
    texts = [m.text for m in messages_of(borrowers, case["conversation_id"])]
    assert texts[-1].startswith("This chat has ended")
    with borrowers.transaction() as session:
        handoff = session.get(Handoff, case["id"])
        assert (handoff.status, handoff.outcome, handoff.claimed_by) == ("closed", "closed", "bob")
        assert session.get(Conversation, case["conversation_id"]).status == "closed"
    sent = await gateway.post("/api/v1/chat", json={"text": "hello again"}, headers=bearer("b-2"))
    answer = await sent.json()
    assert answer["conversation_id"] != case["conversation_id"] and answer["status"] == "bot"
    assert (await act(gateway, case, "close")).status == 409


async def test_the_agents_feed_shows_the_queue_changing(gateway):
    socket = await gateway.ws_connect(f"/api/v1/agent/ws?token={agent()['Authorization'][7:]}")
    case = await hand_over(gateway)
    opened = await next_json(socket)
    while opened["type"] != "handoff":
        opened = await next_json(socket)
    assert (opened["handoff"]["id"], opened["handoff"]["status"]) == (case["id"], "open")
    await act(gateway, case, "claim")
    claimed = await next_json(socket)
    assert (claimed["type"], claimed["handoff"]["status"]) == ("handoff", "claimed")
    await socket.close()


async def test_every_agent_action_is_audited(gateway, borrowers):
    case = await hand_over(gateway)
    await gateway.get(f"{HANDOFFS}/{case['id']}", headers=agent())
    await act(gateway, case, "claim")
    await act(gateway, case, "claim", who="bob")
    await act(gateway, case, "messages", text="hello")
    await act(gateway, case, "close")
    done = [(e.actor, e.action) for e in audit_events(borrowers) if e.actor.startswith("agent:")]
    assert done == [
        ("agent:alice", "agent_listed_handoffs"), ("agent:alice", "agent_viewed_handoff"),
        ("agent:alice", "handoff_claimed"), ("agent:bob", "handoff_action_refused"),
        ("agent:alice", "agent_message_sent"), ("agent:alice", "handoff_closed"),
    ]


async def test_borrowers_cannot_use_the_agent_api_and_bad_requests_are_answered(gateway):
    case = await hand_over(gateway)
    borrower_token = {"Authorization": f"Bearer {token('b-2')}"}
    for method, path in (("GET", HANDOFFS), ("POST", f"{HANDOFFS}/{case['id']}/claim"),
                         ("GET", f"/api/v1/agent/ws?token={token('b-2')}")):
        assert (await gateway.request(method, path, headers=borrower_token)).status == 401
    assert (await gateway.get(HANDOFFS, params={"status": "pending"}, headers=agent())).status == 400
    assert (await gateway.post(f"{HANDOFFS}/999999/claim", headers=agent())).status == 404
    assert (await gateway.post(f"{HANDOFFS}/abc/claim", headers=agent())).status == 404
    assert (await gateway.post(f"{HANDOFFS}/{case['id']}/messages", data=b"{", headers=agent())).status == 400


# --- arrangements an agent records ---------------------------------------------------------


@pytest.fixture
def overdue_borrower(borrowers):
    """b-9, with a handoff alice has claimed (an arrangement is recorded only on one)."""
    load(borrowers, borrower("b-9", "Tan Wei", "en", "Asia/Singapore").loan(
        "L-9", "SGD", "900.00", bill(-10, "300.00", interest="9.00"), bill(20, "300.00")))
    open_case(borrowers, "b-9", claimed_by="alice")
    return today_in("Asia/Singapore")


async def test_an_agent_records_an_arrangement_within_policy(gateway, borrowers, overdue_borrower):
    path = "/api/v1/agent/borrowers/b-9/arrangements"
    first = (overdue_borrower + timedelta(days=3)).isoformat()
    made = await gateway.post(path, headers=agent(), json={
        "loan_id": "L-9", "type": "instalment_plan", "instalments": 3, "first_date": first})
    assert made.status == 201
    body = await made.json()
    assert body["created_by"] == "agent:alice" and body["terms"]["count"] == 3
    assert [i["amount"] for i in body["terms"]["instalments"]] == ["103.00", "103.00", "103.00"]
    again = await gateway.post(path, headers=agent(), json={"loan_id": "L-9", "type": "deferral", "days": 7})
    assert again.status == 409 and (await again.json())["reason"] == "active_arrangement"
    with borrowers.transaction() as session:
        assert session.execute(select(Arrangement.created_by)).scalars().all() == ["agent:alice"]
    assert audit_events(borrowers, "arrangement_refused")[0].actor == "agent:alice"


@pytest.mark.parametrize("body, status, reason", [
    ({"loan_id": "L-9", "type": "deferral", "days": 90}, 422, "out_of_range"),
    ({"loan_id": "L-9", "type": "deferral", "days": 1.5}, 422, "not_a_number"),
    ({"loan_id": "L-9", "type": "instalment_plan", "instalments": 5, "first_date": "2026-12-01"},
     422, "not_offered"),
    ({"loan_id": "L-9", "type": "promise_to_pay", "amount": "9999.00", "date": "2030-01-01"},
     422, "amount_above_owed"),
    ({"loan_id": "L-9", "type": "promise_to_pay", "amount": 100.5, "date": "2030-01-01"},
     422, "not_an_amount"),
    ({"loan_id": "L-9", "type": "promise_to_pay", "amount": "100.00", "date": "2026-02-30"},
     422, "not_a_date"),
    ({"loan_id": "L-9", "type": "holiday"}, 400, None),
    ({"loan_id": "L-404", "type": "deferral", "days": 7}, 404, None),
])
async def test_arrangements_outside_policy_are_refused_with_the_reason(gateway, overdue_borrower, body,
                                                                        status, reason):
    answer = await gateway.post("/api/v1/agent/borrowers/b-9/arrangements", headers=agent(), json=body)
    assert answer.status == status
    error = await answer.json()
    assert error["error"] and error.get("reason") == reason


async def test_a_refusal_names_what_the_policy_allows(gateway, overdue_borrower):
    answer = await gateway.post("/api/v1/agent/borrowers/b-9/arrangements", headers=agent(),
                                json={"loan_id": "L-9", "type": "deferral", "days": 45})
    assert (await answer.json())["details"] == {"min": 1, "max": 30}


async def test_fields_go_by_the_names_of_the_kind_s_definition(gateway, overdue_borrower):
    first = (overdue_borrower + timedelta(days=2)).isoformat()
    made = await gateway.post("/api/v1/agent/borrowers/b-9/arrangements", headers=agent(), json={
        "loan_id": "L-9", "type": "instalment_plan", "count": "6", "first_due_date": first})
    assert made.status == 201, await made.text()
    body = await made.json()
    assert (body["terms"]["count"], body["terms"]["first_due_date"]) == (6, first)
    assert body["title"] == "Instalment plan" and body["description"].startswith("6 instalments · from ")
    assert [item["amount"] for item in body["schedule"]] == ["51.50"] * 6


ABSURD = "9" * 5000


@pytest.mark.parametrize("raw_body, field, reason", [
    # a JSON number past Python's integer-string limit, and as text
    ('{"loan_id": "L-9", "type": "deferral", "days": %s}' % ABSURD, "days", "out_of_range"),
    ('{"loan_id": "L-9", "type": "deferral", "days": "%s"}' % ABSURD, "days", "out_of_range"),
    ('{"loan_id": "L-9", "type": "instalment_plan", "instalments": %s, "first_date": "2026-12-01"}' % ABSURD,
     "count", "not_offered"),
    # more digits than any money column holds, as text and as a JSON integer
    ('{"loan_id": "L-9", "type": "promise_to_pay", "amount": "%s", "date": "2030-01-01"}' % ("1" * 27),
     "amount", "not_an_amount"),
    ('{"loan_id": "L-9", "type": "promise_to_pay", "amount": 1%s, "date": "2030-01-01"}' % ("0" * 30),
     "amount", "not_an_amount"),
])
async def test_absurd_numbers_are_refused_naming_the_field(gateway, overdue_borrower, raw_body, field,
                                                            reason):
    answer = await gateway.post("/api/v1/agent/borrowers/b-9/arrangements", data=raw_body,
                                headers={**agent(), "Content-Type": "application/json"})
    assert answer.status == 422
    error = await answer.json()
    assert (error["reason"], error["field"]) == (reason, field) and error["error"].startswith(f"{field}: ")


async def test_the_console_learns_the_kinds_and_their_fields(gateway):
    answer = await gateway.get("/api/v1/agent/arrangement-kinds", headers=agent())
    assert answer.status == 200
    kinds = {kind["type"]: kind for kind in await answer.json()}
    assert list(kinds) == ["deferral", "instalment_plan", "promise_to_pay"]
    assert kinds["deferral"]["fields"] == [{"name": "days", "label": "Days to defer", "input": "number"}]
    assert [f["name"] for f in kinds["instalment_plan"]["fields"]] == ["count", "first_due_date"]
    assert [f["input"] for f in kinds["promise_to_pay"]["fields"]] == ["decimal", "date"]


async def test_a_broken_arrangement_hands_the_next_message_to_a_person(gateway, fake_rasa, borrowers):
    with borrowers.transaction() as session:
        session.get(Borrower, "b-2").needs_agent_reason = "negotiation_failed"
    sent = await gateway.post("/api/v1/chat", json={"text": "hi, about my plan"}, headers=bearer("b-2"))
    answer = await sent.json()
    assert answer["status"] == "handoff"
    assert answer["messages"][0]["text"].startswith("Thanks for your message")
    assert fake_rasa.received == []
    [case] = await queue(gateway)
    assert case["reason"] == "negotiation_failed" and "“hi, about my plan”" in case["summary"]
