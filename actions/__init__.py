"""Rasa SDK actions. Thin: they read the tracker, call `bot/`, and return events.

`rasa run actions` imports this package; importing it does no work (no database
connection is made until an action runs).
"""
from actions.account import (  # noqa: F401 - registered with the SDK on import
    ActionCheckPayment,
    ActionExplainCharges,
    ActionShowBalance,
    ActionShowDueDate,
    ActionShowPaymentMethods,
)
from actions.handoff import ActionHandOver  # noqa: F401
from actions.negotiation import (  # noqa: F401
    ActionAskArrangementLoan,
    ActionCreateArrangement,
    ActionDeclineArrangement,
    ActionOfferArrangement,
    ActionProposeArrangement,
    ValidateArrangementForm,
)
from actions.session import ActionSessionStart, ValidateSlotMappings  # noqa: F401
from actions.understanding import ActionNotUnderstood  # noqa: F401
