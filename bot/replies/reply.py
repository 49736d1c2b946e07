"""One thing the bot says: a response name of domain.yml, the values it is filled with, and any
quick replies computed for it (allowed dates, counts) on top of the response's own buttons."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reply:
    response: str
    values: dict[str, Any] = field(default_factory=dict)
    buttons: tuple[dict[str, str], ...] = ()  # [{"title", "payload"}]
