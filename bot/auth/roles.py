"""Agent roles and what each may do (CONTRACT §5): the one place that says so.

The gateway's route table names the permission each agent endpoint needs; a role grants a set
of them. A trainer improves the model (the review inbox) and sees nothing of borrowers'
accounts, handoffs or transcripts; an agent works cases; a supervisor may do everything.
"""
from __future__ import annotations

from enum import Enum


class Permission(Enum):
    WORK_CASES = "work_cases"  # the queue, cases and their transcripts, the live feed
    READ_ANY_BORROWER = "read_any_borrower"  # a borrower's account without an active handoff
    REVIEW = "review"  # the review inbox of uncertain messages
    KPIS = "kpis"


class Role(Enum):
    AGENT = "agent"
    TRAINER = "trainer"
    SUPERVISOR = "supervisor"

    @classmethod
    def named(cls, name: str) -> Role:
        """The role called `name`; ValueError, listing the roles, for any other word."""
        try:
            return cls(name)
        except ValueError:
            raise ValueError(f"no role {name!r}: a role is {', '.join(r.value for r in cls)}") from None

    def may(self, permission: Permission) -> bool:
        return permission in PERMISSIONS[self]


DEFAULT_ROLE = Role.AGENT

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset({Permission.WORK_CASES}),
    Role.TRAINER: frozenset({Permission.REVIEW}),
    Role.SUPERVISOR: frozenset(Permission),
}
