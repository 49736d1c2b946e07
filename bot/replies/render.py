"""A Reply in words, from domain.yml's responses, for what the gateway says itself (Rasa
renders the rest): the variation whose condition holds for the language (a Chinese one has
`condition: [{type: slot, name: language, value: zh}]`), else the default, with the Reply's
values filled in `str.format` style. Buttons are as written.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from bot.replies.reply import Reply
from bot.runtime.settings import PROJECT_ROOT

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"

Variation = Mapping[str, Any]


class MissingResponse(LookupError):
    """domain.yml has no response, or no variation for a language, that the code says."""


class Rendered(NamedTuple):
    text: str
    buttons: list[dict[str, str]]  # [{"title", "payload"}]


class Responses:
    def __init__(self, responses: Mapping[str, Sequence[Variation]]) -> None:
        self._responses = responses

    def require(self, replies: Iterable[Reply]) -> Responses:
        """Itself, once every reply's response is there: call it at startup, not mid-chat."""
        missing = sorted({r.response for r in replies} - set(self._responses))
        if missing:
            raise MissingResponse(f"domain.yml has no response {', '.join(missing)}")
        return self

    def render(self, reply: Reply, language: str) -> Rendered:
        variation = self._variation(reply.response, language)
        buttons = [{"title": b["title"], "payload": b["payload"]} for b in variation.get("buttons", [])]
        return Rendered(variation["text"].format(**reply.values), buttons)

    def _variation(self, name: str, language: str) -> Variation:
        if name not in self._responses:
            raise MissingResponse(f"domain.yml has no response {name}")
        slots = {"language": language}
        variations = self._responses[name]
        matching = [v for v in variations if v.get("condition") and _holds(v["condition"], slots)]
        defaults = [v for v in variations if not v.get("condition")]
        if not matching and not defaults:
            raise MissingResponse(f"domain.yml's {name} has no variation for language {language}")
        return (matching or defaults)[0]


@cache
def domain_responses(path: Path = DOMAIN_FILE) -> Responses:
    """The responses of domain.yml, read once per process."""
    domain = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Responses(domain.get("responses") or {})


def _holds(conditions: Sequence[Mapping[str, Any]], slots: Mapping[str, Any]) -> bool:
    return all(c.get("type") == "slot" and slots.get(c.get("name", "")) == c.get("value")
               for c in conditions)
