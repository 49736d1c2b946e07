"""Agent accounts on both databases: roles, the active account, and password checks that take
as long for a name that does not exist as for one that does."""
from __future__ import annotations

import bcrypt
import pytest
from sqlalchemy import select

from bot.auth.agents import ROUNDS, AgentError, active_account, add_agent, password_matches
from bot.auth.roles import Role
from bot.db.models import Agent, AuditEvent

PASSWORD = "correct horse battery"


def cost(digest: bytes | str) -> int:
    return int((digest if isinstance(digest, str) else digest.decode()).split("$")[2])


@pytest.fixture
def checked(monkeypatch) -> list[bytes]:
    """The hashes bcrypt checks passwords against, as it is asked to."""
    seen, real = [], bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw",
                        lambda password, digest: seen.append(digest) or real(password, digest))
    return seen


def test_a_new_agent_is_an_agent_and_a_role_given_is_kept(database):
    with database.transaction() as session:
        assert add_agent(session, "alice", PASSWORD) is True
        assert add_agent(session, "tess", PASSWORD, "trainer") is True
    with database.transaction() as session:
        assert active_account(session, "alice").role is Role.AGENT
        assert active_account(session, "tess").role is Role.TRAINER
        assert add_agent(session, "alice", "a new passphrase", "supervisor") is False
    with database.transaction() as session:
        alice = active_account(session, "alice")
        assert (alice.username, alice.role) == ("alice", Role.SUPERVISOR)
        assert cost(alice.password_hash) == ROUNDS
        audited = session.execute(select(AuditEvent.action, AuditEvent.details)).all()
    assert audited[-1] == ("agent_password_set", {"username": "alice", "role": "supervisor"})


def test_an_unknown_role_is_refused_and_nothing_is_written(database):
    with pytest.raises(AgentError, match="no role 'root'"), database.transaction() as session:
        add_agent(session, "alice", PASSWORD, "root")
    with database.transaction() as session:
        assert session.execute(select(Agent)).first() is None


def test_a_deactivated_or_unknown_agent_has_no_account(database):
    with database.transaction() as session:
        add_agent(session, "bob", PASSWORD)
        session.flush()
        session.execute(select(Agent).where(Agent.username == "bob")).scalar_one().active = False
    with database.transaction() as session:
        assert active_account(session, "bob") is None
        assert active_account(session, "mallory") is None


def test_an_unknown_agent_is_checked_against_a_hash_as_costly_as_a_real_one(sqlite_database, checked):
    with sqlite_database.transaction() as session:
        add_agent(session, "alice", PASSWORD)
        alice = active_account(session, "alice")
    assert password_matches(PASSWORD, alice)
    assert not password_matches(PASSWORD, None)  # whatever the password: there is no account
    assert not password_matches("no agent has this password", None)
    assert [cost(digest) for digest in checked] == [ROUNDS, ROUNDS, ROUNDS] and ROUNDS >= 12
    assert checked[1] == checked[2]  # the stand-in is made once
