"""Which loan an arrangement is for, when the borrower has several to repay: the question
(a button per loan with what is overdue on it) and the reading of the answer ("L-2004",
"the HKD one", "the second", a tap)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.loans.accounts import Account
from bot.loans.balance import LoanBalance
from bot.loans.reference import LoanRef, loans_named
from bot.money import format_money
from bot.replies import buttons
from bot.replies.reply import Reply

SLOT = "arrangement_loan"
ENTITY = "loan_id"  # what a tapped button sends: /inform{"loan_id": "L-2004"}
QUESTION = "utter_ask_arrangement_loan"
NARROWED = "utter_loan_narrowed"  # said before the question asked again with fewer loans


@dataclass(frozen=True)
class LoanAnswer:
    """What an answer to "which loan?" says: the loan chosen; or, for an answer that could mean
    several, those to choose from now (the question is asked again with only them)."""

    loan_id: str | None
    narrowed: tuple[str, ...] = ()


def question(account: Account, choices: Sequence[str], language: str) -> Reply:
    return Reply(QUESTION, {}, tuple(_button(b, language) for b in _chosen_from(account, choices)))


def answer(account: Account, choices: Sequence[str], text: str,
           entities: Sequence[Mapping[str, Any]]) -> LoanAnswer:
    """The loan among `choices` the answer means. An answer that matches several narrows the
    choice to them; one that matches none answers nothing (the form lets the rules reply)."""
    among = _chosen_from(account, choices)
    tapped = next((e.get("value") for e in entities if e.get("entity") == ENTITY), None)
    meant = [b.loan_id for b in among if b.loan_id == tapped] if tapped else list(
        loans_named(text, [LoanRef(b.loan_id, b.currency) for b in among], answering=True))
    if len(meant) == 1:
        return LoanAnswer(meant[0])
    if len(meant) > 1:
        return LoanAnswer(None, tuple(meant))
    return LoanAnswer(None)


def _chosen_from(account: Account, choices: Sequence[str]) -> list[LoanBalance]:
    # In the account's order (by id), which is the order the borrower's answers count in.
    return [b for b in account.balances if b.loan_id in choices]


def _button(balance: LoanBalance, language: str) -> dict[str, str]:
    title = f"{balance.loan_id} · {format_money(balance.overdue_amount, balance.currency, language)}"
    return buttons.choice(ENTITY, balance.loan_id, title)
