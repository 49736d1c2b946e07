"""Agent accounts: bcrypt-hashed passwords, checked in constant time."""
from __future__ import annotations

import re

import bcrypt
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.db.models import Agent

USERNAME = re.compile(r"^[A-Za-z0-9._-]{2,64}$")
MIN_PASSWORD = 8


class AgentError(ValueError):
    pass


def add_agent(session: Session, username: str, password: str) -> bool:
    """Create the agent, or set a new password; True when created."""
    if not USERNAME.match(username):
        raise AgentError("a username is 2-64 letters, digits, dots, dashes or underscores")
    if len(password) < MIN_PASSWORD:
        raise AgentError(f"a password needs at least {MIN_PASSWORD} characters")
    digest = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")
    agent = session.execute(select(Agent).where(Agent.username == username)).scalar_one_or_none()
    created = agent is None
    agent = agent or Agent(username=username)
    agent.password_hash, agent.active = digest, True
    session.add(agent)
    audit.record(session, audit.SYSTEM, "agent_created" if created else "agent_password_set",
                 details={"username": username})
    return created


def check_password(session: Session, username: str, password: str) -> bool:
    agent = session.execute(select(Agent).where(Agent.username == username)).scalar_one_or_none()
    if agent is None or not agent.active:
        bcrypt.checkpw(b"timing", bcrypt.hashpw(b"x", bcrypt.gensalt(4)))  # same cost either way
        return False
    return bcrypt.checkpw(password.encode("utf-8"), agent.password_hash.encode("ascii"))
