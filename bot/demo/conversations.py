"""A borrower's conversations and the messages written into them: one open at a time (a new one
when an agent has ended the last), the messages numbered in time order once the history is
done; and a chat, messages written one after another, seconds apart."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot import audit
from bot.demo.formatting import traditional
from bot.demo.rows import Row
from bot.demo.state import ConversationState
from bot.language import HANT, language_of_script
from bot.replies.render import domain_responses
from bot.replies.reply import Reply

if TYPE_CHECKING:
    from bot.demo.history import BorrowerRun


class Conversations:
    def __init__(self, run: BorrowerRun) -> None:
        self.run = run
        self.current: ConversationState | None = None
        self.started: list[ConversationState] = []
        self.messages: list[Row] = []  # numbered at the end, in time order
        self.links: list[tuple[Row, str, Row]] = []  # (row, key, message): the message's id goes there

    def ongoing(self, moment: datetime, *, by_borrower: bool) -> ConversationState:
        """The borrower's conversation that is not closed, started (and audited) when there is none."""
        if self.current is not None and self.current.open_at(moment):
            return self.current
        run = self.run
        row: Row = {"id": run.uuid().hex, "borrower_id": run.id, "status": "bot", "script": None,
                    "created_at": moment, "updated_at": moment}
        run.out["conversations"].append(row)
        self.current = ConversationState(row)
        self.started.append(self.current)
        if by_borrower:
            run.audit(moment, audit.borrower(run.id), "conversation_started", conversation_id=row["id"])
        else:
            run.audit(moment, audit.BOT, "conversation_started", conversation_id=row["id"],
                      details={"by": "outreach"})
        return self.current

    def write(self, conversation: ConversationState, sender: str, text: str,
              buttons: list[dict[str, str]] | None, moment: datetime, kind: str | None = None,
              agent: str | None = None) -> Row:
        """A message; the borrower's first shows how they write (the conversation's script)."""
        row = {"id": None, "conversation_id": conversation.id, "sender": sender, "text": text,
               "buttons": buttons or None, "agent_username": agent, "delivered": True, "kind": kind,
               "created_at": moment}
        self.messages.append(row)
        conversation.row["updated_at"] = max(conversation.row["updated_at"], moment)
        if sender == "borrower":
            conversation.said.append(text)
            conversation.row["script"] = self.run.script = self.run.profile.script
        return row

    def link(self, target: Row, key: str, message: Row) -> None:
        """`target[key]` is to be the message's id, once messages are numbered."""
        self.links.append((target, key, message))

    def finish(self) -> None:
        """Messages numbered in time order, references to them filled in, final statuses."""
        self.messages.sort(key=lambda row: row["created_at"])
        for row in self.messages:
            row["id"] = self.run.ids.take("message")
        for target, key, message in self.links:
            target[key] = message["id"]
        self.run.out["messages"].extend(self.messages)
        for conversation in self.started:
            conversation.row["status"] = self.status_of(conversation)

    def status_of(self, conversation: ConversationState) -> str:
        now = self.run.world.now
        if not conversation.open_at(now):
            return "closed"
        handed = any(h.conversation is conversation and h.open_at(now) for h in self.run.handoffs.opened)
        return "handoff" if handed else "bot"


class Chat:
    """Messages written one after another into a conversation, seconds apart; nothing after the
    history's end (a chat still going on then is cut there: each step says whether it was written)."""

    def __init__(self, run: BorrowerRun, conversation: ConversationState, moment: datetime) -> None:
        self.run, self.conversation, self.clock = run, conversation, moment
        self.last_buttons: list[dict[str, str]] = []

    @property
    def day(self) -> date:
        return self.run.day_of(self.clock)

    @property
    def language(self) -> str:
        return language_of_script(self.run.script) or self.run.profile.language

    def _next(self, low: int, high: int) -> bool:
        self.clock += timedelta(seconds=self.run.rng.randint(low, high))
        return self.clock <= self.run.world.now

    def borrower(self, text: str) -> bool:
        """In the borrower's own script (their first message included)."""
        if not self._next(8, 90):
            return False
        own = traditional(text) if self.run.profile.script == HANT else text
        self.run.conversations.write(self.conversation, "borrower", own, None, self.clock)
        return True

    def bot(self, replies: Sequence[Reply]) -> bool:
        """domain.yml's responses in the reader's language (Traditional for one who writes it)."""
        for reply in replies:
            if not self._next(1, 3):
                return False
            rendered = domain_responses().render(reply, self.language)
            self.last_buttons = [{"title": self.scripted(b["title"]), "payload": b["payload"]}
                                 for b in [*rendered.buttons, *reply.buttons]]
            text = self.scripted(rendered.text)
            self.run.conversations.write(self.conversation, "bot", text, self.last_buttons, self.clock)
        return True

    def agent(self, username: str, text: str) -> Row | None:
        """The message written, or None (after the history's end)."""
        if not self._next(20, 120):
            return None
        return self.run.conversations.write(self.conversation, "agent", self.scripted(text), None, self.clock,
                                            agent=username)

    def scripted(self, text: str) -> str:
        return traditional(text) if self.run.script == HANT else text
