"""A borrower's handoffs to a person: opened as bot/handoffs/opening.py opens one (with what its
reason requires first: a dispute's collection hold, a STOP's opt-out) and its summary; then
claimed, answered and ended by an agent, as far as the history goes, the agent now and then
agreeing an arrangement for the borrower."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import audit
from bot.arrangements.kinds import Kind, Situation
from bot.demo.balances import account_of, balance_of, eligibility_of
from bot.demo.conversations import Chat
from bot.demo.phrases import AGENT_ARRANGED, KIND_NAMES_ZH, agent_line
from bot.demo.proportions import (
    AGENT_ARRANGES,
    AGENT_KINDS,
    AGENTS,
    ANSWER_MINUTES,
    CASE_DAYS,
    CLAIM_MINUTES,
    END_MINUTES,
    RELEASE_SHARE,
)
from bot.demo.rows import Row
from bot.demo.state import HandoffState
from bot.handoffs.opening import PRIORITY
from bot.language import language_of_script
from bot.money import code_amount
from bot.replies.reply import Reply

if TYPE_CHECKING:
    from bot.demo.history import BorrowerRun


class Handoffs:
    def __init__(self, run: BorrowerRun) -> None:
        self.run = run
        self.opened: list[HandoffState] = []

    def any_open(self, moment: datetime) -> bool:
        return any(handoff.open_at(moment) for handoff in self.opened)

    # --- opened ---------------------------------------------------------------------------------

    def hand_over(self, chat: Chat, reason: str) -> None:
        """bot/handoffs/opening.py's `hand_over`: what the reason requires, then the handoff."""
        run = self.run
        if reason == "dispute":
            for loan in run.loans:
                if not loan.row["collection_hold"]:
                    loan.row["collection_hold"], loan.row["updated_at"] = True, chat.clock
                    run.audit(chat.clock, audit.BOT, "collection_hold_set", loan_id=loan.id,
                              details={"reason": "dispute"})
        elif reason == "stop_contact" and run.row["contact_opt_out_at"] is None:
            run.row["contact_opt_out_at"] = run.row["updated_at"] = chat.clock
            run.audit(chat.clock, audit.borrower(run.id), "contact_opt_out")
        self.open(chat, reason)

    def open(self, chat: Chat, reason: str, actor: str = audit.BOT, note: str | None = None) -> None:
        """Opened now; claimed, answered and ended by an agent later, each as far as the history goes."""
        run = self.run
        opened = chat.clock
        claimed = opened + run.minutes(CLAIM_MINUTES)
        answered = claimed + run.minutes(ANSWER_MINUTES)
        days = timedelta(days=run.rng.randint(*CASE_DAYS.get(reason, (0, 0))))
        ends = answered + days + run.minutes(END_MINUTES)
        outcome = "released" if run.rng.random() < RELEASE_SHARE else "closed"
        agent = run.rng.choice(tuple(AGENTS))
        row = self.row(chat, reason, note, agent, outcome, claimed, ends)
        run.out["handoffs"].append(row)
        handoff = HandoffState(row, chat.conversation, agent, ends if ends <= run.world.now else None)
        self.opened.append(handoff)
        run.audit(opened, actor, "handoff_opened", conversation_id=chat.conversation.id,
                  details={"handoff_id": row["id"], "reason": reason, "priority": row["priority"]})
        run.at(claimed, self.on_claim, handoff)
        run.at(answered, self.on_answer, handoff)
        run.at(ends, self.on_end, handoff, outcome)

    def row(self, chat: Chat, reason: str, note: str | None, agent: str, outcome: str, claimed: datetime,
            ends: datetime) -> Row:
        """The handoffs row as it stands at the history's end."""
        run, opened = self.run, chat.clock
        is_claimed, is_ended = claimed <= run.world.now, ends <= run.world.now
        return {"id": run.ids.take("handoff"), "conversation_id": chat.conversation.id,
                "borrower_id": run.id, "reason": reason, "priority": PRIORITY[reason],
                "status": "closed" if is_ended else "claimed" if is_claimed else "open",
                "summary": self.summary(chat, reason, note), "claimed_by": agent if is_claimed else None,
                "claimed_at": claimed if is_claimed else None, "outcome": outcome if is_ended else None,
                "closed_at": ends if is_ended else None, "created_at": opened,
                "updated_at": ends if is_ended else claimed if is_claimed else opened}

    def summary(self, chat: Chat, reason: str, note: str | None) -> str:
        """bot/handoffs/summary.py's few lines: why, the language, what was said, what is owed."""
        run = self.run
        language = language_of_script(chat.conversation.row["script"]) or run.profile.language
        lines = [f"Reason: {reason}. Language: {language}."] + ([note] if note else [])
        said = [" ".join(text.split()) for text in chat.conversation.said[-3:]]
        if said:
            lines.append("Borrower said: " + " / ".join(f"“{text}”" for text in said))
        balances = account_of(run.profile, run.loans, chat.day, run.zone).balances
        lines.append("Loans: " + "; ".join(
            f"{b.loan_id} {code_amount(b.overdue_amount, b.currency)} overdue, "
            f"{b.days_past_due} days past due" for b in balances) + ".")
        return "\n".join(lines)

    # --- an agent's steps -----------------------------------------------------------------------

    def on_claim(self, moment: datetime, handoff: HandoffState) -> None:
        self.audit(moment, handoff, "handoff_claimed", "claimed")

    def on_answer(self, moment: datetime, handoff: HandoffState) -> None:
        """The agent writes to the borrower, and sometimes agrees an arrangement for them."""
        run = self.run
        chat = Chat(run, handoff.conversation, moment)
        message = chat.agent(handoff.agent, agent_line(handoff.row["reason"], chat.language, run.profile.name,
                                                       AGENTS[handoff.agent]))
        if message is None:
            return
        self.audit(chat.clock, handoff, "agent_message_sent", "claimed", message=message)
        if run.rng.random() < AGENT_ARRANGES.get(handoff.row["reason"], 0):
            self.agent_arrangement(chat, handoff)
        if run.rng.random() < 0.5:
            chat.borrower(run.replies.line("thank"))

    def agent_arrangement(self, chat: Chat, handoff: HandoffState) -> None:
        """A plan, or failing that a deferral, on the first loan the policy allows one on."""
        run, day = self.run, chat.day
        for loan in run.loans:
            balance = balance_of(loan, day, run.zone)
            for kind in AGENT_KINDS:
                situation = Situation(balance, day, run.policy)
                allowed = eligibility_of(loan, kind, balance, day, run.policy).ok
                values = self.pick(kind, situation) if allowed else None
                if values is not None:
                    terms = kind.terms(values, situation)
                    text = AGENT_ARRANGED[chat.language].format(terms=kind.describe(terms),
                                                                kind=KIND_NAMES_ZH[kind.name])
                    if chat.agent(handoff.agent, text) is not None:
                        run.arrangements.arrange(loan, kind, terms, chat.clock, audit.agent(handoff.agent),
                                                 handoff.conversation)
                    return

    def pick(self, kind: Kind[Any, Any], situation: Situation) -> dict[str, Any] | None:
        """A value for each field among the policy's choices, checked as the form checks it."""
        values = {}
        for item in kind.fields:
            choice = self.run.rng.choice(kind.choices(item, situation))
            value, invalid = kind.check(item, choice, situation)
            if invalid is not None:
                return None
            values[item.name] = value
        return values

    def on_end(self, moment: datetime, handoff: HandoffState, outcome: str) -> None:
        """Released to the bot, or the conversation ended (the next message starts another)."""
        conversation = handoff.conversation
        self.audit(moment, handoff, f"handoff_{outcome}", "closed")
        chat = Chat(self.run, conversation, moment - timedelta(seconds=30))
        chat.bot([Reply("utter_handed_back" if outcome == "released" else "utter_chat_closed")])
        if outcome == "closed":
            conversation.closed_at = moment

    def audit(self, moment: datetime, handoff: HandoffState, action: str, status: str,
              message: Row | None = None) -> None:
        """An agent's step, audited; with the message they wrote, its id once numbered."""
        details = {"handoff_id": handoff.row["id"], "status": status}
        row = self.run.audit(moment, audit.agent(handoff.agent), action,
                             conversation_id=handoff.conversation.id, details=details)
        if message is not None:
            self.run.conversations.link(row["details"], "message_id", message)
