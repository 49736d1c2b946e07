"""The agent a request comes from, as the gateway has established it: who (the token's
subject), in which role (read from the agents table on every request, so that a change of role
applies at once) and until when (the token's expiry, which also ends a live feed)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.auth.roles import Permission, Role


@dataclass(frozen=True)
class AgentIdentity:
    username: str
    role: Role
    expires_at: datetime

    def may(self, permission: Permission) -> bool:
        return self.role.may(permission)
