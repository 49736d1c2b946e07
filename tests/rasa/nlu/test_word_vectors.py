"""The project's word vectors: trained by PPMI and SVD from text (bot/rasa/nlu/vector_training.py),
read back as dense features (bot/rasa/nlu/word_vectors.py), and carried inside a model."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa.nlu import vector_training
from bot.rasa.nlu.vector_training import save, word_vectors
from bot.rasa.nlu.word_vectors import WordVectors, WordVectorsFeaturizer

SHIPPED = Path(__file__).parents[3] / "bot/rasa/nlu/vectors"


@pytest.fixture()
def small_vectors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(vector_training, "DIMENSIONS", 4)
    monkeypatch.setattr(vector_training, "MIN_COUNT", 2)
    pets = [["the", "cat", "sat", "on", "the", "mat"], ["the", "dog", "sat", "on", "the", "rug"]]
    loans = [["i", "will", "pay", "the", "loan", "later"], ["i", "can", "pay", "the", "debt", "later"]]
    words, vectors = word_vectors((pets + loans) * 5)
    save(words, vectors, tmp_path / "vectors")
    return tmp_path / "vectors"


def test_trained_vectors_have_unit_length_and_one_row_per_frequent_word(small_vectors: Path) -> None:
    vectors = WordVectors(small_vectors)
    assert {"cat", "dog", "loan", "debt", "pay"} <= set(vectors.index)
    assert vectors.dimensions == 4
    assert np.allclose(np.linalg.norm(vectors.matrix, axis=1), 1, atol=1e-2)


def test_words_in_the_same_contexts_get_near_vectors(small_vectors: Path) -> None:
    vectors = WordVectors(small_vectors)
    cat, dog, loan = vectors.of(["cat", "dog", "loan"])
    assert cat @ dog > cat @ loan


def test_an_unknown_word_is_a_zero_row(small_vectors: Path) -> None:
    rows = WordVectors(small_vectors).of(["cat", "zebra"])
    assert rows.shape == (2, 4) and not rows[1].any() and rows[0].any()


def test_a_vocabulary_that_does_not_match_its_matrix_is_refused(small_vectors: Path) -> None:
    (small_vectors / vector_training.VOCABULARY_FILE).write_text("cat\n", encoding="utf-8")
    with pytest.raises(ValueError, match="1 words"):
        WordVectors(small_vectors)


def tokenised(text: str) -> Message:
    message = Message({TEXT: text})
    tokens, start = [], 0
    for word in text.split():
        tokens.append(Token(word, start, lemma=word))
        start += len(word) + 1
    message.set(TOKENS_NAMES[TEXT], tokens)
    return message


def featurizer(vectors: Path, storage_dir: Path) -> tuple[WordVectorsFeaturizer, LocalModelStorage,
                                                          Resource, ExecutionContext]:
    storage_dir.mkdir(parents=True, exist_ok=True)
    storage = LocalModelStorage(storage_dir)
    resource = Resource("word_vectors")
    context = ExecutionContext(GraphSchema({}), node_name="word_vectors")
    config = {**WordVectorsFeaturizer.get_default_config(), "vectors_path": str(vectors)}
    return WordVectorsFeaturizer.create(config, storage, resource, context), storage, resource, context


def test_a_message_gets_token_rows_and_the_mean_of_its_known_words(small_vectors: Path,
                                                                   tmp_path: Path) -> None:
    component, *_ = featurizer(small_vectors, tmp_path / "storage")
    [message] = component.process([tokenised("cat zebra dog")])
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is not None and sentence is not None
    assert sequence.features.shape == (3, 4) and sentence.features.shape == (1, 4)
    vectors = WordVectors(small_vectors)
    expected = vectors.of(["cat", "dog"]).mean(axis=0)
    assert np.allclose(sentence.features[0], expected)


def test_a_message_of_unknown_words_gets_zero_features(small_vectors: Path, tmp_path: Path) -> None:
    component, *_ = featurizer(small_vectors, tmp_path / "storage")
    [message] = component.process([tokenised("zebra okapi")])
    types = {features.type: features.features for features in message.features}
    assert not types[FEATURE_TYPE_SENTENCE].any() and types[FEATURE_TYPE_SEQUENCE].shape == (2, 4)


def test_the_model_carries_its_vectors(small_vectors: Path, tmp_path: Path) -> None:
    component, storage, resource, context = featurizer(small_vectors, tmp_path / "storage")
    component.train(TrainingData([tokenised("cat sat")]))
    for path in small_vectors.iterdir():
        path.unlink()  # the source is gone: the model must not need it
    loaded = WordVectorsFeaturizer.load(component._config, storage, resource, context)
    assert loaded.vectors.of(["cat"]).any()


def test_the_shipped_vectors_are_readable_and_small() -> None:
    vectors = WordVectors(SHIPPED)
    assert vectors.dimensions == vector_training.DIMENSIONS
    assert sum(path.stat().st_size for path in SHIPPED.iterdir()) < 10_000_000
    # Words the borrowers use, in both languages, have vectors.
    assert vectors.of(["harassing", "lawsuit", "延期", "利息"]).all(axis=1).all()
