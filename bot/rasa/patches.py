"""Changes to Rasa 3.6's own code, made before its server starts (bot/rasa/server.py), each
for a measured reason and each tested (tests/rasa/test_patches.py).

- Action results validated with one validator. Rasa checks every response of the action
  server against its schema with `jsonschema.validate`, which first checks the schema itself
  against JSON Schema's own metaschema (draft 2020-12, whose dynamic references are slow) —
  on every call, twice a message (the slot mappings' validation, then the action). It was
  three quarters of Rasa's CPU time per message (bench/message_time.py, cProfile): the schema
  never changes, so it is checked once and one validator, made once, judges each response, with
  the same verdicts and the same error message.
"""
from __future__ import annotations

from functools import cache
from typing import Any

PATCHED_RASA = "3.6."  # the Rasa these were written against and measured on


def apply() -> None:
    import rasa

    if not rasa.__version__.startswith(PATCHED_RASA):
        raise RuntimeError(f"bot/rasa/patches.py was written for Rasa {PATCHED_RASA}x, not "
                           f"{rasa.__version__}: check each patch against the new version")
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, with a validator made once per action class."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _validator(self.__class__).validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


@cache
def _validator(action_class: Any) -> Any:
    from jsonschema.validators import validator_for

    schema = action_class.action_response_format_spec()
    kind = validator_for(schema)
    kind.check_schema(schema)  # what jsonschema.validate does first, once
    return kind(schema)
