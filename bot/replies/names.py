"""Response names built from a code or a slot: the only place a response name is composed
(tests/replies/test_responses.py checks every one it can compose exists in domain.yml)."""
from __future__ import annotations


def not_eligible(reason: str) -> str:
    """Why an arrangement cannot be offered (bot.arrangements.eligibility.REFUSAL_REASONS)."""
    return f"utter_not_eligible_{reason}"


def invalid(slot: str) -> str:
    """A re-ask naming what is allowed, after a value the policy refuses."""
    return f"utter_invalid_{slot}"


def ask(slot: str) -> str:
    """The question a form asks for a slot (Rasa's own convention)."""
    return f"utter_ask_{slot}"


def suggest(slot: str) -> str:
    """A value the bot proposes for a slot, to be confirmed with a yes (or not, with a no)."""
    return f"utter_suggest_{slot}"


def ask_action(slot: str) -> str:
    """The custom action a form runs instead of utter_ask_<slot> (Rasa's own convention): the
    question with quick replies of the values the policy allows."""
    return f"action_ask_{slot}"
