"""The review inbox API (CONTRACT §10) through the gateway: for trainers and supervisors,
refused to agents with the permission named; the list CONTRACT §10 names (and more), with no
personal data in it; filters answered 400 with the reason; settling one or many, again, anew,
and what cannot be settled; everything audited. SQLite and the fake Rasa."""
from __future__ import annotations

import json
import re

import bcrypt
import pytest
from sqlalchemy import update

from bot.auth.agent_tokens import issue_agent_token
from bot.db.models import Agent, ReviewItem
from bot.runtime.settings import DEV_AGENT_JWT_SECRET
from bot.training.intents import trainable_intents
from tests.gateway.support import audit_events
from tests.training.support import chat, review

REVIEW = "/api/v1/agent/review"
CONTRACT_FIELDS = {"id", "text", "language", "predicted_intent", "confidence", "at"}
WANG_SAID = "我是王偉，電話 138 0013 8000，下週還¥500行嗎"
NO_REVIEW = {"error": "the agent role does not have the review permission", "missing": "review"}


def headers(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_agent_token(DEV_AGENT_JWT_SECRET, username)}"}


@pytest.fixture(autouse=True)
def staff(borrowers):
    digest = bcrypt.hashpw(b"a long enough password", bcrypt.gensalt(4)).decode("ascii")
    with borrowers.transaction() as session:
        session.add_all(Agent(username=name, password_hash=digest, role=role)
                        for name, role in (("sam", "supervisor"), ("alice", "agent"), ("tess", "trainer")))


@pytest.fixture
def inbox(borrowers) -> list[int]:
    """Wang's unsure message (a name, a phone, an amount) and Ann's fallback."""
    with borrowers.transaction() as session:
        chat(session, "conv-wang", "b-1", ("bot", "王伟您好，您欠款 ¥1,095.00"),
             ("borrower", WANG_SAID), ("bot", "您是想延期还款吗？"), script="hant")
        chat(session, "conv-ann", "b-2", ("borrower", "ann lee here, card 6222 0212 3456 7890"))
        return [review(session, WANG_SAID, conversation_id="conv-wang").id,
                review(session, "ann lee here, card 6222 0212 3456 7890", conversation_id="conv-ann",
                       reason="fallback", intent="out_of_scope", ranking=(("out_of_scope", 0.62),)).id]


async def test_a_trainer_reads_the_open_inbox_without_personal_data(gateway, borrowers, inbox):
    answer = await gateway.get(REVIEW, params={"status": "open"}, headers=headers("tess"))
    assert answer.status == 200
    assert answer.headers["X-Total-Count"] == "2"
    body = await answer.json()
    assert [item["id"] for item in body] == inbox
    wang, ann = body
    assert CONTRACT_FIELDS <= set(wang)
    assert {key: wang[key] for key in CONTRACT_FIELDS - {"at"}} == {
        "id": inbox[0], "text": "我是[name]，電話 [phone]，下週還[amount]行嗎", "language": "zh_hant",
        "predicted_intent": "request_deferral", "confidence": 0.41}
    assert wang["at"].endswith("+00:00")
    assert (wang["reason"], wang["status"], wang["intent"], wang["exported"]) == (
        "unsure", "open", None, False)
    assert [one["intent"] for one in wang["suggestions"]] == [
        "request_deferral", "request_instalment", "hardship"]
    assert [(one["from"], one["text"]) for one in wang["context"]["before"]] == [
        ("bot", "[name]您好，您欠款 [amount]")]
    assert [(one["from"], one["text"]) for one in wang["context"]["after"]] == [("bot", "您是想延期还款吗？")]
    assert (ann["text"], ann["predicted_intent"], ann["reason"]) == (
        "[name] here, card [card]", "out_of_scope", "fallback")
    # Everything the trainer reads, but the moments (a time stamp's digits can be "138").
    everything = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", "", json.dumps(body, ensure_ascii=False))
    for personal in ("王伟", "王偉", "138", "500", "1,095", "ann", "Ann", "6222", "b-1", "conv-wang"):
        assert personal not in everything
    [listed] = audit_events(borrowers, "agent_listed_review")
    assert (listed.actor, listed.details["count"], listed.details["total"]) == ("agent:tess", 2, 2)


async def test_a_supervisor_too_and_an_agent_not(gateway, inbox):
    assert (await gateway.get(REVIEW, headers=headers("sam"))).status == 200
    for method, path in (("GET", REVIEW), ("POST", REVIEW), ("GET", f"{REVIEW}/{inbox[0]}"),
                         ("POST", f"{REVIEW}/{inbox[0]}")):
        answer = await gateway.request(method, path, json={"discard": True}, headers=headers("alice"))
        assert (answer.status, await answer.json()) == (403, NO_REVIEW), (method, path)
    assert (await gateway.get(REVIEW)).status == 401


async def test_filters_sorts_and_pages(gateway, inbox):
    async def ids(**params: str) -> list[int]:
        answer = await gateway.get(REVIEW, params=params, headers=headers("tess"))
        assert answer.status == 200, await answer.text()
        return [item["id"] for item in await answer.json()]

    assert await ids(language="en") == [inbox[1]]
    assert await ids(intent="out_of_scope") == [inbox[1]]
    assert await ids(min_confidence="0.5") == [inbox[1]]
    assert await ids(max_confidence="0.5", reason="unsure") == [inbox[0]]
    assert await ids(sort="-confidence") == [inbox[1], inbox[0]]
    assert await ids(sort="-at", limit="1") == [inbox[1]]
    assert await ids(limit="1", offset="1") == [inbox[1]]
    assert await ids(**{"from": "2000-01-01", "to": "2000-01-31"}) == []
    assert await ids(status="settled") == []
    answer = await gateway.get(REVIEW, params={"context": "0"}, headers=headers("tess"))
    assert (await answer.json())[0]["context"] == {"before": [], "after": []}


@pytest.mark.parametrize(("params", "why"), [
    ({"status": "closed"}, "status is one of open, settled, all"),
    ({"language": "fr"}, "language is one or several (commas) of en, zh_hans, zh_hant, mixed"),
    ({"intent": "chitchat"}, "intent is one or several"),
    ({"min_confidence": "2"}, "min_confidence is a number from 0 to 1"),
    ({"from": "yesterday"}, "`from` is a date (YYYY-MM-DD) or an ISO-8601 moment"),
    ({"sort": "random"}, "sort is one of at, -at, confidence, -confidence"),
    ({"limit": "1000"}, "limit is a whole number from 1 to 500"),
    ({"page": "2"}, "unknown parameter page"),
])
async def test_a_query_that_cannot_be_answered_says_why(gateway, params, why):
    answer = await gateway.get(REVIEW, params=params, headers=headers("tess"))
    assert answer.status == 400
    assert why in (await answer.json())["error"]


async def test_one_item(gateway, borrowers, inbox):
    answer = await gateway.get(f"{REVIEW}/{inbox[1]}", headers=headers("tess"))
    assert (answer.status, (await answer.json())["text"]) == (200, "[name] here, card [card]")
    assert audit_events(borrowers, "agent_viewed_review")[0].details == {"review_id": inbox[1]}
    for missing in ("999", "abc", "1" * 30):
        answer = await gateway.get(f"{REVIEW}/{missing}", headers=headers("tess"))
        assert answer.status == 404


async def test_settling_one(gateway, borrowers, inbox):
    url = f"{REVIEW}/{inbox[0]}"
    answer = await gateway.post(url, json={"intent": "promise_to_pay"}, headers=headers("tess"))
    assert answer.status == 200
    item = await answer.json()
    assert (item["status"], item["intent"], item["discarded"], item["settled_how"], item["settled_by"]) == (
        "settled", "promise_to_pay", False, "intent", "tess")
    assert item["text"] == "我是[name]，電話 [phone]，下週還[amount]行嗎"
    again = await gateway.post(url, json={"intent": "promise_to_pay"}, headers=headers("sam"))
    assert (again.status, (await again.json())["settled_by"]) == (200, "tess")  # as before: unchanged
    anew = await gateway.post(url, json={"correct": True}, headers=headers("sam"))
    assert ((await anew.json())["intent"], (await anew.json())["settled_by"]) == ("request_deferral", "sam")
    gone = await gateway.get(REVIEW, headers=headers("tess"))
    assert [one["id"] for one in await gone.json()] == [inbox[1]]
    events = audit_events(borrowers, "review_settled")
    assert [(event.actor, event.details["intent"], event.conversation_id) for event in events] == [
        ("agent:tess", "promise_to_pay", "conv-wang"), ("agent:sam", "request_deferral", "conv-wang")]


@pytest.mark.parametrize("body", [{"discard": True}, {"out_of_scope": True}, {"intent": "out_of_scope"}])
async def test_discarding_or_out_of_scope(gateway, inbox, body):
    answer = await gateway.post(f"{REVIEW}/{inbox[1]}", json=body, headers=headers("tess"))
    item = await answer.json()
    assert (answer.status, item["intent"], item["discarded"]) == (
        200, None if "discard" in body else "out_of_scope", "discard" in body)


async def test_a_settlement_that_cannot_be_says_why(gateway, borrowers, inbox):
    url = f"{REVIEW}/{inbox[0]}"
    answer = await gateway.post(url, json={"intent": "chitchat"}, headers=headers("tess"))
    body = await answer.json()
    assert answer.status == 400
    assert body["error"].startswith("intent is one of the domain's intents: greet")
    assert body["choices"] == list(trainable_intents())
    for bad in ({}, {"discard": False}, {"intent": "greet", "discard": True}, [1]):
        answer = await gateway.post(url, json=bad, headers=headers("tess"))
        assert answer.status == 400, bad
    answer = await gateway.post(url, data=b"{not json", headers=headers("tess"))
    assert answer.status == 400
    answer = await gateway.post(f"{REVIEW}/999", json={"discard": True}, headers=headers("tess"))
    assert (answer.status, (await answer.json())["error"]) == (404, "no review item 999")
    assert audit_events(borrowers, "review_settled") == []


async def test_settling_many(gateway, borrowers, inbox):
    answer = await gateway.post(REVIEW, json={"ids": inbox, "out_of_scope": True}, headers=headers("tess"))
    assert (answer.status, await answer.json()) == (200, {"ids": inbox, "changed": inbox})
    again = await gateway.post(REVIEW, json={"ids": inbox, "out_of_scope": True}, headers=headers("tess"))
    assert await again.json() == {"ids": inbox, "changed": []}
    assert len(audit_events(borrowers, "review_settled")) == 2


async def test_settling_many_is_all_or_nothing(gateway, borrowers, inbox):
    answer = await gateway.post(REVIEW, json={"ids": [*inbox, 999], "discard": True}, headers=headers("tess"))
    assert (answer.status, await answer.json()) == (404, {"error": "no review item 999", "ids": [999]})
    with borrowers.transaction() as session:  # the model had no guess at all for the first
        session.execute(update(ReviewItem).where(ReviewItem.id == inbox[0])
                        .values(predicted_intent="nlu_fallback", confidence=None))
    answer = await gateway.post(REVIEW, json={"ids": inbox, "correct": True}, headers=headers("tess"))
    assert answer.status == 400
    assert (await answer.json())["ids"] == [inbox[0]]
    for bad in ({"discard": True}, {"ids": [], "discard": True}, {"ids": ["1"], "discard": True},
                {"ids": inbox}):
        answer = await gateway.post(REVIEW, json=bad, headers=headers("tess"))
        assert answer.status == 400, bad
    assert audit_events(borrowers, "review_settled") == []
    listed = await gateway.get(REVIEW, headers=headers("tess"))
    assert len(await listed.json()) == 2


async def test_an_exported_item_is_not_settled_otherwise(gateway, borrowers, inbox):
    url = f"{REVIEW}/{inbox[0]}"
    await gateway.post(url, json={"correct": True}, headers=headers("tess"))
    with borrowers.transaction() as session:
        session.execute(update(ReviewItem).where(ReviewItem.id == inbox[0]).values(export_status="written"))
    same = await gateway.post(url, json={"correct": True}, headers=headers("tess"))
    assert (same.status, (await same.json())["exported"]) == (200, True)
    other = await gateway.post(url, json={"discard": True}, headers=headers("tess"))
    assert other.status == 409
    assert "in the training data already" in (await other.json())["error"]


async def test_the_intents_with_their_names_for_the_trainers_page(gateway):
    answer = await gateway.get(f"{REVIEW}/intents", headers=headers("tess"))
    assert answer.status == 200
    body = await answer.json()
    assert [one["intent"] for one in body] == [*trainable_intents(), "nlu_fallback"]
    assert body[trainable_intents().index("request_deferral")] == {
        "intent": "request_deferral", "en": "Asks to pay later", "zh": "申请延期还款", "relabel": True}
    assert [one["intent"] for one in body if not one["relabel"]] == ["nlu_fallback"]
    assert (await gateway.get(f"{REVIEW}/intents", headers=headers("sam"))).status == 200
    refused = await gateway.get(f"{REVIEW}/intents", headers=headers("alice"))
    assert (refused.status, await refused.json()) == (403, NO_REVIEW)
