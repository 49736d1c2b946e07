"""Amounts, dates, instalment counts and durations, normalised (CONTRACT §2).

The work is done by `bot.values` (spaCy patterns, cn2an, dateparser); this component puts
its findings on the message. Relative dates resolve against today in the borrower's time
zone, which the gateway sends in the message metadata (else the configured default).
A value that cannot be normalised (2月30日, a negative amount) is still reported, with
`value: null` and a `problem`, so the dialogue can ask again instead of guessing.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.clock import today_in
from bot.values import Value, extract_values


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class ValueExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"default_timezone": "Asia/Shanghai"}

    def __init__(self, config: dict[str, Any]) -> None:
        self.default_timezone = config["default_timezone"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ValueExtractor:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            timezone = (message.get("metadata") or {}).get("timezone") or self.default_timezone
            found = [entity(value) for value in extract_values(text, today_in(timezone))]
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(found),
                add_to_output=True,
            )
        return messages


def entity(value: Value) -> dict[str, Any]:
    found = {"entity": value.entity, "start": value.start, "end": value.end,
             "value": value.value, "confidence_entity": 1.0}
    if value.problem:
        found["problem"] = value.problem
    return found
