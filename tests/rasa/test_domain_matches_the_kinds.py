"""domain.yml and the negotiation rules agree with the kinds' definitions
(bot/arrangements/kinds/): one form asks for every kind's fields, each kind's request is
offered, and a new kind that forgets one of these fails here rather than in a chat."""
from __future__ import annotations

import yaml

from bot.arrangements import loan_choice
from bot.arrangements.kinds import KINDS
from bot.runtime.settings import PROJECT_ROOT

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
RULES = yaml.safe_load((PROJECT_ROOT / "data/rules/arrangements.yml").read_text(encoding="utf-8"))["rules"]


def test_one_form_with_every_kind_s_fields_in_order():
    assert list(DOMAIN["forms"]) == ["arrangement_form"]
    slots = [field.slot for kind in KINDS for field in kind.fields]
    # First which loan (asked only when several could be meant), then the kind's own fields.
    assert DOMAIN["forms"]["arrangement_form"]["required_slots"] == [loan_choice.SLOT, *slots]
    for slot in [loan_choice.SLOT, *slots]:
        assert DOMAIN["slots"][slot]["mappings"] == [{"type": "custom"}], slot


def test_every_field_is_asked_by_its_own_action_with_quick_replies():
    from actions.negotiation import ASK_ACTIONS
    from bot.replies import names

    slots = [field.slot for kind in KINDS for field in kind.fields]
    assert [names.ask_action(slot) for slot in [*slots, loan_choice.SLOT]] == [
        action for action in DOMAIN["actions"] if action.startswith("action_ask_")]
    assert sorted(action().name() for action in ASK_ACTIONS) == sorted(names.ask_action(s) for s in slots)


def test_the_action_server_serves_every_action_of_the_domain():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(DOMAIN["actions"]) <= set(executor.actions)


def test_every_kind_s_request_is_an_intent_that_is_offered():
    offered = next(rule for rule in RULES if rule["rule"] == "an arrangement is offered")
    intents = [step["intent"] for step in offered["steps"][0]["or"]]
    assert intents == [kind.intent for kind in KINDS]
    assert set(intents) <= set(DOMAIN["intents"])


def test_the_form_s_interruptions_are_written_once():
    names = [rule["rule"] for rule in RULES]
    assert len(names) == len(set(names))
    assert len(RULES) < 25
