"""Handoff transitions on both databases: each allowed once, refused with the reason
otherwise, and exactly one winner when agents act at the same moment."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from bot.db.models import AuditEvent, Conversation, Handoff, Message
from bot.handoffs import casework
from bot.handoffs.opening import hand_over, open_handoff
from tests.builders import CONTRACT_DAY, add, wang


@pytest.fixture
def case(database) -> int:
    with database.transaction() as session:
        add(session, wang(), today=CONTRACT_DAY)
        session.add(Conversation(id="c-1", borrower_id="b-1001", script="hant"))
        session.add(Message(conversation_id="c-1", sender="borrower", text="我想找人工"))
        session.flush()
        return hand_over(session, "c-1", "b-1001", "human_requested").id


def run(database, transition, *args):
    with database.transaction() as session:
        return transition(session, *args).as_json()


def test_claim_then_release_hands_the_conversation_back(database, case):
    claimed = run(database, casework.claim, case, "alice")
    assert (claimed["status"], claimed["claimed_by"], claimed["language"], claimed["script"]) == (
        "claimed", "alice", "zh", "hant")
    released = run(database, casework.release, case, "alice")
    assert (released["status"], released["outcome"]) == ("closed", "released")
    with database.transaction() as session:
        assert session.get(Conversation, "c-1").status == "bot"


@pytest.mark.parametrize("setup, action, who, why", [
    ([("claim", "alice")], "claim", "bob", "alice has claimed this handoff"),
    ([("claim", "alice")], "release", "bob", "alice has claimed this handoff"),
    ([("close", "alice")], "claim", "bob", "this handoff is closed (closed by alice)"),
    ([("claim", "alice"), ("release", "alice")], "release", "alice",
     "this handoff is closed (released by alice)"),
    ([("claim", "alice"), ("close", "alice")], "close", "alice", "this handoff is closed (closed by alice)"),
])
def test_refused_transitions_say_why(database, case, setup, action, who, why):
    for verb, agent in setup:
        run(database, getattr(casework, verb), case, agent)
    with pytest.raises(casework.CaseConflict, match=r"^" + why.replace("(", r"\(").replace(")", r"\)") + "$"):
        run(database, getattr(casework, action), case, who)


def test_an_agent_must_claim_before_writing(database, case):
    with (
        pytest.raises(casework.CaseConflict, match="claim this handoff before you write in it"),
        database.transaction() as session,
    ):
        casework.reply(session, case, "alice", "hello")
    run(database, casework.claim, case, "alice")
    with database.transaction() as session:
        _, message = casework.reply(session, case, "alice", "您好，我是客服 Alice")
        assert (message.sender, message.agent_username) == ("agent", "alice")


def test_unknown_handoffs_are_not_found(database, case):
    with pytest.raises(casework.CaseNotFound):
        run(database, casework.claim, 424242, "alice")


def test_two_agents_claiming_at_once_one_wins(database, case):
    results, barrier = {}, threading.Barrier(4)

    def claim(agent: str) -> None:
        barrier.wait()
        try:
            results[agent] = run(database, casework.claim, case, agent)["claimed_by"]
        except casework.CaseConflict as conflict:
            results[agent] = conflict.why

    threads = [threading.Thread(target=claim, args=(name,)) for name in ("a1", "a2", "a3", "a4")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [agent for agent, said in results.items() if said == agent]
    assert len(winners) == 1
    assert all(said == f"{winners[0]} has claimed this handoff" for agent, said in results.items()
               if agent not in winners)
    with database.transaction() as session:
        claims = session.execute(
            select(AuditEvent).where(AuditEvent.action == "handoff_claimed")).scalars().all()
        assert [c.actor for c in claims] == [f"agent:{winners[0]}"]


def test_a_second_trigger_raises_the_priority_of_the_open_handoff(database, case):
    with database.transaction() as session:
        same = open_handoff(session, "c-1", "b-1001", "distress")
        assert same.id == case
    with database.transaction() as session:
        [handoff] = session.execute(select(Handoff)).scalars().all()
        assert (handoff.reason, handoff.priority) == ("distress", 1)
        assert "Borrower said: “我想找人工”" in handoff.summary


def test_the_queue_is_ordered_by_priority_then_age(database, case):
    with database.transaction() as session:
        for conversation_id, reason in (("c-2", "not_understood"), ("c-3", "distress"), ("c-4", "legal")):
            session.add(Conversation(id=conversation_id, borrower_id="b-1001"))
            session.flush()
            open_handoff(session, conversation_id, "b-1001", reason)
    with database.transaction() as session:
        assert [c.handoff.reason for c in casework.queue(session, ("open",))] == [
            "distress", "legal", "human_requested", "not_understood"]
