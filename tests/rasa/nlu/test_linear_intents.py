"""The linear second opinion: trained on sentence features, kept as arrays, blended with DIET."""
from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import SGDClassifier

from bot.rasa.nlu.linear_intents import LinearIntentBlend, blended, fit, tf_idf

# Features 0-1 say "pay later", 2-3 "instalments", 4 appears everywhere.
WORDS = {"request_deferral": [0, 1, 4], "request_instalment": [2, 3, 4], "greet": [5, 4]}


def featured(words: list[int], intent: str | None = None, ranking: list[dict] | None = None) -> Message:
    row = np.zeros((1, 6))
    row[0, words] = 1
    message = Message(data={TEXT: "x", **({INTENT: intent} if intent else {})})
    message.add_features(Features(sparse.coo_matrix(row), FEATURE_TYPE_SENTENCE, TEXT, "cvf"))
    if ranking is not None:
        message.set(INTENT_RANKING_KEY, ranking)
        message.set(INTENT, ranking[0])
    return message


def ranked(*pairs: tuple[str, float]) -> list[dict]:
    return [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: score} for name, score in pairs]


def training_data() -> TrainingData:
    return TrainingData([featured(words, intent) for intent, words in WORDS.items() for _ in range(5)])


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


CONTEXT = ExecutionContext(GraphSchema({}), "test")


def trained(storage: LocalModelStorage, data: TrainingData | None = None) -> LinearIntentBlend:
    component = LinearIntentBlend.create(LinearIntentBlend.get_default_config(), storage,
                                         Resource("linear"), CONTEXT)
    component.train(data or training_data())
    return component


def loaded(storage: LocalModelStorage) -> LinearIntentBlend:
    return LinearIntentBlend.load(LinearIntentBlend.get_default_config(), storage,
                                  Resource("linear"), CONTEXT)


def test_its_probabilities_are_sklearns() -> None:
    counts = sparse.csr_matrix(np.array([[2, 0, 1, 0, 1, 0], [0, 3, 0, 0, 1, 1], [0, 0, 1, 4, 1, 0]]))
    intents = ["a", "b", "c"]
    model = fit(counts, intents, alpha=1e-3, epochs=50, seed=7)
    reference_tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    reference = SGDClassifier(loss="log_loss", alpha=1e-3, max_iter=50, random_state=7)
    reference.fit(reference_tfidf.transform(counts), intents)
    expected = reference.predict_proba(reference_tfidf.transform(counts))
    assert np.allclose(model.probabilities(counts), expected, atol=1e-5)
    assert np.allclose(tf_idf(counts, model.idf).toarray(), reference_tfidf.transform(counts).toarray())


def test_the_linear_model_outweighs_a_diet_ranking_that_is_unsure(storage) -> None:
    component = trained(storage)
    unsure = ranked(("request_deferral", 0.4), ("request_instalment", 0.35), ("greet", 0.25))
    [message] = component.process([featured([2, 3, 4], ranking=unsure)])
    assert message.get(INTENT)[INTENT_NAME_KEY] == "request_instalment"
    scores = [item[PREDICTED_CONFIDENCE_KEY] for item in message.get(INTENT_RANKING_KEY)]
    assert scores == sorted(scores, reverse=True) and sum(scores) == pytest.approx(1.0)


def test_kept_as_arrays_and_loaded_it_answers_the_same(storage) -> None:
    component = trained(storage)
    again = loaded(storage)
    diet = ranked(("greet", 0.5), ("request_deferral", 0.5))
    first = component.process([featured([0, 1, 4], ranking=diet)])[0].get(INTENT_RANKING_KEY)
    second = again.process([featured([0, 1, 4], ranking=diet)])[0].get(INTENT_RANKING_KEY)
    assert [item[INTENT_NAME_KEY] for item in first] == [item[INTENT_NAME_KEY] for item in second]
    assert [item[PREDICTED_CONFIDENCE_KEY] for item in first] == pytest.approx(
        [item[PREDICTED_CONFIDENCE_KEY] for item in second])


def test_a_message_without_features_or_ranking_is_left_as_it_was(storage) -> None:
    component = trained(storage)
    bare = Message(data={TEXT: ""})
    unranked = featured([0, 1])
    component.process([bare, unranked])
    assert bare.get(INTENT) is None and unranked.get(INTENT) is None


def test_trained_on_one_intent_it_leaves_diets_ranking_alone(storage) -> None:
    trained(storage, TrainingData([featured([0], "greet"), featured([1], "greet")]))
    diet = ranked(("greet", 0.9))
    [message] = loaded(storage).process([featured([0], ranking=diet)])
    assert message.get(INTENT_RANKING_KEY) == diet


def test_blending_weighs_the_linear_share_and_fills_what_diet_cut_off() -> None:
    ranking = blended(ranked(("a", 0.8), ("b", 0.2)), {"a": 0.1, "b": 0.2, "c": 0.7}, 0.5, 2)
    assert [item[INTENT_NAME_KEY] for item in ranking] == ["a", "c"]
    assert [item[PREDICTED_CONFIDENCE_KEY] for item in ranking] == pytest.approx([0.45, 0.35])
