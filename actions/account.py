"""Answers about the borrower's account: balance, charges, due dates, how to pay."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.context import ServiceUnavailable, borrower_id, in_transaction, language, send
from bot.clock import utcnow
from bot.ledger.payments import WalletPayment, paid_since
from bot.loans.accounts import Account, load_account
from bot.replies.account import (
    Reply,
    balance_replies,
    charges_replies,
    claim_paid_replies,
    due_date_replies,
    payment_method_replies,
    recent_since,
)


class AccountAction(Action, ABC):
    """Loads the conversation's borrower's account and answers with `replies`."""

    replies: Callable[[Account, str], list[Reply]]

    @abstractmethod
    def name(self) -> str:
        """The action's name in domain.yml."""

    def load(self, session: Session, tracker: Tracker) -> Any:
        """What the answer needs, read in one transaction; None when there is no account."""
        return _account(session, tracker)

    def answer(self, found: Any, language: str) -> list[Reply]:
        return self.replies(found, language)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            found = await in_transaction(lambda session: self.load(session, tracker))
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if found is None:
            dispatcher.utter_message(response="utter_no_account")
            return []
        send(dispatcher, self.answer(found, language(tracker)))
        return []


def _account(session: Session, tracker: Tracker) -> Account | None:
    """The borrower's account, as far as the loans the message names go ("how much is left on
    the HKD loan?"); all of it when it names none."""
    borrower = borrower_id(session, tracker)
    account = load_account(session, borrower) if borrower else None
    if account is None:
        return None
    return account.only(account.loans_named(tracker.latest_message.get("text") or ""))


class ActionShowBalance(AccountAction):
    def name(self) -> str:
        return "action_show_balance"

    replies = staticmethod(balance_replies)


class ActionExplainCharges(AccountAction):
    def name(self) -> str:
        return "action_explain_charges"

    replies = staticmethod(charges_replies)


class ActionShowDueDate(AccountAction):
    def name(self) -> str:
        return "action_show_due_date"

    replies = staticmethod(due_date_replies)


class ActionShowPaymentMethods(AccountAction):
    def name(self) -> str:
        return "action_show_payment_methods"

    replies = staticmethod(payment_method_replies)


class ActionCheckPayment(AccountAction):
    """"I already paid": checked against the payments the wallet reported (bot/ledger)."""

    def name(self) -> str:
        return "action_check_payment"

    def load(self, session: Session, tracker: Tracker) -> tuple[Account, list[WalletPayment]] | None:
        account = _account(session, tracker)
        if account is None:
            return None
        loans = {b.loan_id for b in account.balances}
        paid = paid_since(session, account.borrower_id, recent_since(utcnow()))
        return account, [payment for payment in paid if payment.loan_id in loans]

    def answer(self, found: tuple[Account, list[WalletPayment]], language: str) -> list[Reply]:
        account, payments = found
        return claim_paid_replies(account, payments, language)
