"""Answers about the borrower's account: balance, charges, due dates, how to pay."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import ServiceUnavailable, borrower_id, in_transaction, language, send
from bot.loans.accounts import Account, load_account
from bot.statements import (
    Reply,
    balance_replies,
    charges_replies,
    due_date_replies,
    payment_method_replies,
)


class AccountAction(Action):
    """Loads the conversation's borrower's account and answers with `replies`."""

    action_name: str
    replies: Callable[[Account, str], List[Reply]]

    def name(self) -> Text:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        try:
            account = await in_transaction(lambda session: _account(session, tracker))
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if account is None:
            dispatcher.utter_message(response="utter_no_account")
            return []
        send(dispatcher, self.replies(account, language(tracker)))
        return []


def _account(session, tracker: Tracker) -> Account | None:
    borrower = borrower_id(session, tracker)
    return load_account(session, borrower) if borrower else None


class ActionShowBalance(AccountAction):
    action_name = "action_show_balance"
    replies = staticmethod(balance_replies)


class ActionExplainCharges(AccountAction):
    action_name = "action_explain_charges"
    replies = staticmethod(charges_replies)


class ActionShowDueDate(AccountAction):
    action_name = "action_show_due_date"
    replies = staticmethod(due_date_replies)


class ActionShowPaymentMethods(AccountAction):
    action_name = "action_show_payment_methods"
    replies = staticmethod(payment_method_replies)
