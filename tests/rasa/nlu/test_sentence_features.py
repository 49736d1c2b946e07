"""Sequence features are cut to one row; sentence features, and other attributes, are kept."""
from __future__ import annotations

import numpy as np
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from scipy import sparse  # type: ignore[import-untyped]

from bot.rasa.nlu.sentence_features import SentenceFeaturesOnly, first_row


def message_with_features() -> Message:
    message = Message(data={TEXT: "can i pay next week"})
    message.add_features(Features(sparse.coo_matrix(np.eye(5)), FEATURE_TYPE_SEQUENCE, TEXT, "cvf"))
    message.add_features(Features(sparse.coo_matrix(np.ones((1, 5))), FEATURE_TYPE_SENTENCE, TEXT, "cvf"))
    message.add_features(Features(np.ones((5, 3)), FEATURE_TYPE_SEQUENCE, TEXT, "dense"))
    message.add_features(Features(np.ones((4, 2)), FEATURE_TYPE_SEQUENCE, INTENT, "labels"))
    return message


def test_sequence_features_of_the_text_keep_their_first_row() -> None:
    [message] = SentenceFeaturesOnly().process([message_with_features()])
    shapes = {(f.type, f.attribute, f.origin): f.features.shape for f in message.features}
    assert shapes == {
        (FEATURE_TYPE_SEQUENCE, TEXT, "cvf"): (1, 5),
        (FEATURE_TYPE_SENTENCE, TEXT, "cvf"): (1, 5),
        (FEATURE_TYPE_SEQUENCE, TEXT, "dense"): (1, 3),
        (FEATURE_TYPE_SEQUENCE, INTENT, "labels"): (4, 2),
    }


def test_the_first_row_is_the_first_token_and_stays_sparse() -> None:
    cut = first_row(message_with_features().features[0])
    assert sparse.issparse(cut.features)
    assert cut.features.toarray().tolist() == [[1, 0, 0, 0, 0]]


def test_the_sentence_features_are_untouched() -> None:
    sentence = message_with_features().features[1]
    assert first_row(sentence) is sentence
