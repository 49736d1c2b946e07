"""Word vectors the project trains itself, from public unlabelled customer text (no weights are
downloaded): positive pointwise mutual information of words within a few words of each other,
reduced by a truncated SVD (Levy, Goldberg & Dagan 2015: on corpora of a few million words this
matches word2vec). Words are the tokenizer's own (bot/rasa/nlu/tokenizer.py: jieba with the
domain dictionary, lower case, Simplified, product names as one word), so every vector is one
the model meets.

    .venv/bin/python -m bot.rasa.nlu.vector_training CORPUS.txt [...] --out bot/rasa/nlu/vectors

Each corpus file holds one document (a complaint narrative, a question) per line.
`bot/rasa/nlu/vectors/SOURCES.md` says which texts the shipped vectors were trained on.
"""
from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]

WINDOW = 5  # words either side; nearer words weigh more (1 / distance)
MIN_COUNT = 5
MAX_WORDS = 30_000
DIMENSIONS = 128
SMOOTHING = 0.75  # context counts raised to this: rare contexts do not dominate PMI
SEED = 7

VOCABULARY_FILE = "vocabulary.txt"
MATRIX_FILE = "vectors.npy"


def vocabulary(documents: list[list[str]]) -> list[str]:
    counts = Counter(word for document in documents for word in document)
    frequent = [word for word, count in counts.most_common(MAX_WORDS) if count >= MIN_COUNT]
    return sorted(frequent, key=lambda word: (-counts[word], word))


def cooccurrences(documents: list[list[str]], index: dict[str, int]) -> sparse.csr_matrix:
    ids = [np.array([index.get(word, -1) for word in document], dtype=np.int64)
           for document in documents]
    rows, columns, weights = [], [], []
    for document in ids:
        for distance in range(1, WINDOW + 1):
            left, right = document[:-distance], document[distance:]
            known = (left >= 0) & (right >= 0)
            rows += [left[known], right[known]]
            columns += [right[known], left[known]]
            weights += [np.full(2 * int(known.sum()), 1.0 / distance)]
    size = len(index)
    matrix = sparse.coo_matrix((np.concatenate(weights), (np.concatenate(rows),
                                np.concatenate(columns))), shape=(size, size))
    return matrix.tocsr()


def ppmi(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    total = counts.sum()
    words = np.asarray(counts.sum(axis=1)).ravel()
    contexts = np.asarray(counts.sum(axis=0)).ravel() ** SMOOTHING
    contexts = contexts / contexts.sum()
    coo = counts.tocoo()
    pmi = np.log(coo.data * 1.0 / total) - np.log(words[coo.row] / total) - np.log(contexts[coo.col])
    positive = pmi > 0
    return sparse.csr_matrix((pmi[positive], (coo.row[positive], coo.col[positive])),
                             shape=counts.shape)


def word_vectors(documents: list[list[str]]) -> tuple[list[str], np.ndarray]:
    """The vocabulary and one unit-length vector per word."""
    from sklearn.utils.extmath import randomized_svd  # type: ignore[import-untyped]

    words = vocabulary(documents)
    index = {word: i for i, word in enumerate(words)}
    u, s, _ = randomized_svd(ppmi(cooccurrences(documents, index)), DIMENSIONS, random_state=SEED)
    vectors = u * np.sqrt(s)  # the symmetric split of the singular values
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    return words, vectors.astype(np.float16)


def tokenised(lines: Iterable[str]) -> list[list[str]]:
    """The lines as the model's tokenizer reads them: its lemmas."""
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.rasa.nlu.tokenizer import project_tokenizer

    tokenizer = project_tokenizer()
    return [[token.lemma for token in tokenizer.tokenize(Message({TEXT: line}), TEXT)]
            for line in lines if line.strip()]


def save(words: list[str], vectors: np.ndarray, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / VOCABULARY_FILE).write_text("".join(f"{word}\n" for word in words), encoding="utf-8")
    np.save(directory / MATRIX_FILE, vectors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    lines = [line for path in arguments.corpus
             for line in path.read_text(encoding="utf-8").splitlines()]
    documents = tokenised(lines)
    words, vectors = word_vectors(documents)
    save(words, vectors, arguments.out)
    tokens = sum(len(document) for document in documents)
    print(f"{len(documents)} documents, {tokens} words, {len(words)} vectors of {DIMENSIONS}")


if __name__ == "__main__":
    main()
