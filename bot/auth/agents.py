"""Agent accounts: a username, a bcrypt-hashed password, a role (bot/auth/roles.py), active or not.

Checking a password is slow on purpose and needs no database: the gateway reads the account in
one short transaction (`active_account`), checks the password in a pool of its own
(`password_matches`), and audits in another.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import bcrypt
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.auth.roles import DEFAULT_ROLE, Role
from bot.db.models import Agent

USERNAME = re.compile(r"^[A-Za-z0-9._-]{2,64}$")
MIN_PASSWORD = 8
ROUNDS = 12  # bcrypt's cost: every stored hash, and the stand-in for accounts that don't exist


class AgentError(ValueError):
    pass


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    password_hash: str


def add_agent(session: Session, username: str, password: str, role: str | None = None) -> bool:
    """Create the agent (role `agent` unless given), or set a new password and, if given, the
    role; True when created."""
    if not USERNAME.match(username):
        raise AgentError("a username is 2-64 letters, digits, dots, dashes or underscores")
    if len(password) < MIN_PASSWORD:
        raise AgentError(f"a password needs at least {MIN_PASSWORD} characters")
    try:
        new_role = None if role is None else Role.named(role)
    except ValueError as error:
        raise AgentError(str(error)) from None
    agent = session.execute(select(Agent).where(Agent.username == username)).scalar_one_or_none()
    created = agent is None
    agent = agent or Agent(username=username, role=DEFAULT_ROLE.value)
    agent.password_hash, agent.active = _hash(password), True
    if new_role is not None:
        agent.role = new_role.value
    session.add(agent)
    audit.record(session, audit.SYSTEM, "agent_created" if created else "agent_password_set",
                 details={"username": username, "role": agent.role})
    return created


def active_account(session: Session, username: str) -> Account | None:
    """The agent's account as it is now; None for an unknown or deactivated agent."""
    row = session.execute(
        select(Agent.role, Agent.password_hash)
        .where(Agent.username == username, Agent.active.is_(True))
    ).one_or_none()
    return None if row is None else Account(username, Role(row.role), row.password_hash)


def password_matches(password: str, account: Account | None) -> bool:
    """Whether `password` is the account's. Without an account (unknown or deactivated) a
    stand-in hash of the same cost is checked, so the time taken tells no one which usernames
    exist."""
    digest = account.password_hash if account is not None else _stand_in_hash()
    matches = bcrypt.checkpw(password.encode("utf-8"), digest.encode("ascii"))
    return matches and account is not None


@functools.cache
def _stand_in_hash() -> str:
    return _hash("no agent has this password")  # made once, on the first unknown name


def _hash(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(ROUNDS)).decode("ascii")
