"""The bot's replies on their way out: what is kept of Rasa's answer, in the borrower's script."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.language import HANT, to_traditional
from bot.replies.render import Responses
from bot.replies.reply import Reply


@dataclass(frozen=True)
class ChatMessage:
    """What the borrower reads: rendered text and its buttons (a `bot.replies.Reply` is what
    the bot means to say; Rasa, or the gateway itself, renders it into one of these)."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)  # [{"title", "payload"}]

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "buttons": [dict(button) for button in self.buttons]}


def replies_from_rasa(answer: Iterable[Any]) -> list[ChatMessage]:
    """Text replies with their buttons; images, custom payloads and empty texts are left out."""
    replies = []
    for item in answer:
        text = item.get("text") if isinstance(item, dict) else None
        if isinstance(text, str) and text.strip():
            replies.append(ChatMessage(text, _buttons(item.get("buttons"))))
    return replies


def _buttons(raw: Any) -> list[dict[str, str]]:
    # Only buttons that send a payload back (URL buttons and the like have none).
    return [
        {"title": button["title"], "payload": button["payload"]}
        for button in (raw if isinstance(raw, list) else [])
        if isinstance(button, dict)
        and isinstance(button.get("title"), str)
        and isinstance(button.get("payload"), str)
    ]


def rendered(responses: Responses, reply: Reply, language: str, script: str | None) -> ChatMessage:
    """What the gateway says itself, in the conversation's language and script."""
    text, buttons = responses.render(reply, language)
    return in_script(ChatMessage(text, buttons), script)


def in_script(reply: ChatMessage, script: str | None) -> ChatMessage:
    """The bot writes Simplified; a borrower writing Traditional reads Traditional.
    Payloads are never converted: they go back to Rasa as they came."""
    if script != HANT:
        return reply
    return ChatMessage(
        to_traditional(reply.text),
        [{"title": to_traditional(b["title"]), "payload": b["payload"]} for b in reply.buttons],
    )
