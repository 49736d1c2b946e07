"""bot/rasa/patches.py: the same verdicts as Rasa's own code, without its cost."""
from __future__ import annotations

import copy

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.rasa import patches

VALID = {"events": [{"event": "slot", "name": "language", "value": "zh"},
                    {"event": "action", "name": "action_listen"}],
         "responses": [{"text": "您好", "buttons": [{"title": "还款", "payload": "/ask_balance"}]}]}
INVALID = [
    {"events": [{"event": "slot"}]},  # a slot event with no name
    {"events": [{"event": "no_such_event"}]},
    {"responses": "not a list"},
    {"events": {"event": "action"}},
]


def rasas_own(result: dict) -> bool:
    """RemoteAction._validate_action_result before the patch: jsonschema.validate each time."""
    validate(result, RemoteAction.action_response_format_spec())
    return True


@pytest.fixture(scope="module")
def remote_action():
    patches.apply()
    return RemoteAction("action_show_balance", action_endpoint=None)


def test_a_valid_response_passes_as_in_rasa(remote_action):
    assert rasas_own(copy.deepcopy(VALID)) is True
    assert remote_action._validate_action_result(copy.deepcopy(VALID)) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_response_is_refused_as_in_rasa_with_rasas_message(remote_action, result):
    with pytest.raises(ValidationError) as own:
        rasas_own(copy.deepcopy(result))
    with pytest.raises(ValidationError) as patched:
        remote_action._validate_action_result(copy.deepcopy(result))
    assert patched.value.message.startswith(own.value.message)
    assert "Failed to validate Action server response from API" in patched.value.message


def test_the_schema_is_checked_once_not_at_every_response(remote_action, monkeypatch):
    remote_action._validate_action_result(copy.deepcopy(VALID))  # the validator is made
    checked = []
    monkeypatch.setattr("jsonschema.validators.Draft202012Validator.check_schema",
                        classmethod(lambda cls, schema: checked.append(schema)))
    for _ in range(3):
        remote_action._validate_action_result(copy.deepcopy(VALID))
    assert checked == []


def test_another_rasa_is_refused_until_each_patch_is_checked(monkeypatch):
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(RuntimeError, match=r"written for Rasa 3\.6\.x, not 3\.7\.0"):
        patches.apply()
