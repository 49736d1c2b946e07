"""Tokens for the value patterns: spaCy's blank Chinese pipeline (jieba), each number one token.

jieba glues numerals to their neighbours unpredictably (一千二百块, 十二个 | 月, 六个月, 下周 | 五
or 下 | 周五), so after segmenting, every number run (numbers.NUMBER_RUN) becomes exactly one
token: 一千二百 | 块, 十二 | 个 | 月, 下 | 周 | 五, 3,500 | 元, 3.5 | k.
"""
from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces

from bot.values.numbers import NUMBER_RUN
from bot.values.text import normalise


@lru_cache(maxsize=None)
def pipeline() -> Language:
    import jieba
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    # A private jieba: the Rasa tokenizer loads the collections dictionary (下周五, 六期, 一个月
    # as single words) into the global one, and values must segment the same in and out of Rasa.
    nlp.tokenizer.jieba_seg = _DictionaryOnly(jieba.Tokenizer())
    return nlp


class _DictionaryOnly:
    """jieba without its HMM guesses, which glue unknown neighbours (我下 | 周五, 24 | 期行):
    words the dictionary does not know stay single characters, which patterns can rely on."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def cut(self, text: str, cut_all: bool = False):
        return self.tokenizer.cut(text, cut_all=cut_all, HMM=False)


def tokenize(text: str) -> Doc:
    """The normalised text (text.normalise: same length), tokenised; token offsets are offsets
    in the borrower's text."""
    nlp = pipeline()
    normalised = normalise(text)
    segmented = nlp.make_doc(normalised)
    cuts = {token.idx for token in segmented} | {token.idx + len(token) for token in segmented}
    for run in NUMBER_RUN.finditer(normalised):
        cuts = {cut for cut in cuts if not run.start() < cut < run.end()} | {run.start(), run.end()}
    bounds = sorted(cuts)
    pieces = (normalised[a:b] for a, b in zip(bounds, bounds[1:]))
    words, spaces = get_words_and_spaces([piece for piece in pieces if piece.strip()], normalised)
    return Doc(nlp.vocab, words=words, spaces=spaces)
