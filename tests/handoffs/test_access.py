"""Which borrowers an agent may read and arrange for (bot/handoffs/access.py), on both databases:
an agent reads a borrower only while they have an open or claimed handoff, a supervisor any;
an arrangement needs a handoff of that borrower the agent has claimed, supervisors included."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from bot.auth.identity import AgentIdentity
from bot.auth.roles import Role
from bot.db.models import Conversation
from bot.handoffs import casework
from bot.handoffs.access import AccessRefused, check_may_arrange, check_may_read_account
from bot.handoffs.opening import open_handoff
from tests.builders import CONTRACT_DAY, add, wang

LATER = datetime.now(timezone.utc) + timedelta(hours=1)
ALICE = AgentIdentity("alice", Role.AGENT, LATER)
BOB = AgentIdentity("bob", Role.AGENT, LATER)
SAM = AgentIdentity("sam", Role.SUPERVISOR, LATER)
TESS = AgentIdentity("tess", Role.TRAINER, LATER)
OTHER = replace(wang(), id="b-2001", loans=tuple(replace(loan, id="L-2001") for loan in wang().loans))


@pytest.fixture
def borrowers(database):
    with database.transaction() as session:
        add(session, wang(), OTHER, today=CONTRACT_DAY)
        session.add(Conversation(id="c-1", borrower_id="b-1001"))
    return database


def handoff(database) -> int:
    with database.transaction() as session:
        return open_handoff(session, "c-1", "b-1001", "human_requested").id


def act(database, transition, handoff_id: int, agent: str) -> None:
    with database.transaction() as session:
        transition(session, handoff_id, agent)


def allowed(database, check, agent: AgentIdentity, borrower_id: str = "b-1001") -> bool:
    try:
        with database.transaction() as session:
            check(session, agent, borrower_id)
    except AccessRefused:
        return False
    return True


def test_without_a_handoff_only_a_supervisor_reads_the_account(borrowers):
    assert not allowed(borrowers, check_may_read_account, ALICE)
    assert not allowed(borrowers, check_may_read_account, TESS)
    assert allowed(borrowers, check_may_read_account, SAM)


def test_an_agent_reads_while_the_handoff_is_open_or_claimed_and_not_after(borrowers):
    case = handoff(borrowers)
    assert allowed(borrowers, check_may_read_account, ALICE)
    act(borrowers, casework.claim, case, "bob")
    assert allowed(borrowers, check_may_read_account, ALICE)  # any agent may look at the case
    assert not allowed(borrowers, check_may_read_account, ALICE, "b-2001")  # not at another borrower
    act(borrowers, casework.close, case, "bob")
    assert not allowed(borrowers, check_may_read_account, ALICE)
    assert allowed(borrowers, check_may_read_account, SAM)


def test_an_arrangement_needs_a_handoff_the_agent_has_claimed(borrowers):
    case = handoff(borrowers)
    for agent in (ALICE, SAM):
        assert not allowed(borrowers, check_may_arrange, agent)  # open, claimed by no one
    act(borrowers, casework.claim, case, "alice")
    assert allowed(borrowers, check_may_arrange, ALICE)
    assert not allowed(borrowers, check_may_arrange, BOB)
    assert not allowed(borrowers, check_may_arrange, SAM)  # supervisors too: not their case
    assert not allowed(borrowers, check_may_arrange, ALICE, "b-2001")
    act(borrowers, casework.release, case, "alice")
    assert not allowed(borrowers, check_may_arrange, ALICE)


def test_a_supervisor_who_has_claimed_the_case_records_the_arrangement(borrowers):
    act(borrowers, casework.claim, handoff(borrowers), "sam")
    assert allowed(borrowers, check_may_arrange, SAM)
    assert not allowed(borrowers, check_may_arrange, ALICE)


def test_a_refusal_says_what_is_needed(borrowers):
    with pytest.raises(AccessRefused, match="open or claimed handoff"), borrowers.transaction() as session:
        check_may_read_account(session, ALICE, "b-1001")
    with pytest.raises(AccessRefused, match="that you have claimed"), borrowers.transaction() as session:
        check_may_arrange(session, ALICE, "b-1001")
