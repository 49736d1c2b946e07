"""Dense features from the project's own word vectors (bot/rasa/nlu/vector_training.py): each
token's vector, and the sentence as the mean of its known words' vectors.

Count vectors know only the words of the training examples; these vectors were trained on
public customer text a hundred times larger, so "harassing" sits near "calling" and
"threatening", 延期 near 推迟 and 往后, and a message worded unlike any example still lands
near the examples that mean the same. A word without a vector adds nothing (a zero row).
Training copies the vectors into the model, so a model carries what it was trained with.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa.nlu.vector_training import MATRIX_FILE, VOCABULARY_FILE


class WordVectors:
    def __init__(self, directory: Path) -> None:
        words = (directory / VOCABULARY_FILE).read_text(encoding="utf-8").splitlines()
        self.matrix = np.load(directory / MATRIX_FILE).astype(np.float32)
        if len(words) != len(self.matrix):
            raise ValueError(f"{directory}: {len(words)} words but {len(self.matrix)} vectors")
        self.index = {word: row for row, word in enumerate(words)}

    @property
    def dimensions(self) -> int:
        return int(self.matrix.shape[1])

    def of(self, words: list[str]) -> np.ndarray:
        """One row per word: its vector, or zeros."""
        rows = np.zeros((len(words), self.dimensions), dtype=np.float32)
        for position, word in enumerate(words):
            row = self.index.get(word)
            if row is not None:
                rows[position] = self.matrix[row]
        return rows


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class WordVectorsFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "vectors_path": None}

    def __init__(self, config: dict[str, Any], name: str, model_storage: ModelStorage,
                 resource: Resource, directory: Path) -> None:
        super().__init__(name, config)
        self._model_storage, self._resource = model_storage, resource
        self.directory = directory
        self.vectors = WordVectors(directory)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not config.get("vectors_path"):
            raise ValueError("WordVectorsFeaturizer needs `vectors_path`: the directory of the vectors")

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> WordVectorsFeaturizer:
        return cls(config, execution_context.node_name or "word_vectors", model_storage, resource,
                   Path(config["vectors_path"]))

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> WordVectorsFeaturizer:
        with model_storage.read_from(resource) as directory:
            return cls(config, execution_context.node_name or "word_vectors", model_storage, resource,
                       Path(directory))

    def train(self, training_data: TrainingData) -> Resource:
        with self._model_storage.write_to(self._resource) as directory:
            for name in (VOCABULARY_FILE, MATRIX_FILE):
                shutil.copyfile(self.directory / name, Path(directory) / name)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT])
            if tokens:
                self._featurize(message, [token.lemma for token in tokens])
        return messages

    def _featurize(self, message: Message, words: list[str]) -> None:
        sequence = self.vectors.of(words)
        known = sequence[np.any(sequence != 0, axis=1)]
        sentence = known.mean(axis=0, keepdims=True) if len(known) else np.zeros(
            (1, self.vectors.dimensions), dtype=np.float32)
        self.add_features_to_message(sequence, sentence, TEXT, message)
