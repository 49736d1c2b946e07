"""The summary an agent reads first: why, in which language, what the borrower said, what is
owed, and what was offered and refused."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Conversation, Message
from bot.language import language_of_script
from bot.loans.accounts import Account, load_account
from bot.money import code_amount

SAID_SHOWN = 3  # the borrower's latest messages quoted in the summary
SAID_CHARACTERS = 160


@dataclass(frozen=True)
class Offers:
    """Arrangement types the bot offered in this conversation, and those the borrower refused."""

    made: tuple[str, ...] = ()
    declined: tuple[str, ...] = ()


def summary(session: Session, conversation: Conversation, reason: str,
            offers: Offers | None = None, note: str | None = None) -> str:
    """A few lines an agent can read in ten seconds: why, in which language, what the borrower
    said, what is owed, and what was offered."""
    account = load_account(session, conversation.borrower_id)
    language = language_of_script(conversation.script) or (account.language if account else "?")
    lines = [f"Reason: {reason}. Language: {language}."]
    if note:
        lines.append(note)
    said = _latest_borrower_messages(session, conversation.id)
    if said:
        lines.append("Borrower said: " + " / ".join(f"“{text}”" for text in said))
    lines.append("Loans: " + _loans(account) + ".")
    if offers and (offers.made or offers.declined):
        lines.append(f"Offered: {_names(offers.made)}. Refused: {_names(offers.declined)}.")
    return "\n".join(lines)


def _latest_borrower_messages(session: Session, conversation_id: str) -> list[str]:
    texts = session.execute(
        select(Message.text)
        .where(Message.conversation_id == conversation_id, Message.sender == "borrower")
        .order_by(Message.id.desc()).limit(SAID_SHOWN)
    ).scalars().all()
    return [_shortened(" ".join(text.split())) for text in reversed(texts)]


def _shortened(text: str) -> str:
    return text if len(text) <= SAID_CHARACTERS else text[:SAID_CHARACTERS - 1] + "…"


def _loans(account: Account | None) -> str:
    if account is None or not account.balances:
        return "none"
    return "; ".join(
        f"{b.loan_id} {code_amount(b.overdue_amount, b.currency)} overdue, "
        f"{b.days_past_due} days past due" for b in account.balances
    )


def _names(types: tuple[str, ...]) -> str:
    return ", ".join(t.replace("_", " ") for t in types) or "none"
