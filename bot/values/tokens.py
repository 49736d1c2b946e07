"""Tokens for the value patterns: spaCy's blank Chinese pipeline (jieba), each number one token.

jieba glues numerals to their neighbours unpredictably (一千二百块, 十二个 | 月, 六个月, 下周 | 五
or 下 | 周五), so after segmenting, every number run (numbers.NUMBER_RUN) becomes exactly one
token: 一千二百 | 块, 十二 | 个 | 月, 下 | 周 | 五, 3,500 | 元, 3.5 | k. A borrower spelling with a
digit in it (2morrow) stays one token, and so does 月头 (jieba glues its 头 to what follows:
月 | 头发, 下个月 | 头先). Each token's NORM is the word it reads as
(spellings.reading: nxt → next, installemnts → instalments), and the patterns match NORMs.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, cast

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces

from bot.values.numbers import NUMBER_RUN
from bot.values.spellings import GLUED, reading
from bot.values.text import normalise

if TYPE_CHECKING:
    import jieba
    from spacy.lang.zh import ChineseTokenizer

MONTH_HEAD = re.compile("月头")


@cache
def pipeline() -> Language:
    import jieba
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    # A private jieba: the Rasa tokenizer loads the collections dictionary (下周五, 六期, 一个月
    # as single words) into the global one, and values must segment the same in and out of Rasa.
    cast("ChineseTokenizer", nlp.tokenizer).jieba_seg = _DictionaryOnly(jieba.Tokenizer())
    return nlp


class _DictionaryOnly:
    """jieba without its HMM guesses, which glue unknown neighbours (我下 | 周五, 24 | 期行):
    words the dictionary does not know stay single characters, which patterns can rely on."""

    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        self.tokenizer = tokenizer

    def cut(self, text: str, cut_all: bool = False) -> Iterator[str]:
        return self.tokenizer.cut(text, cut_all=cut_all, HMM=False)


def tokenize(text: str) -> Doc:
    """The normalised text (text.normalise: same length), tokenised; token offsets are offsets
    in the borrower's text."""
    nlp = pipeline()
    normalised = normalise(text)
    segmented = nlp.make_doc(normalised)
    cuts = {token.idx for token in segmented} | {token.idx + len(token) for token in segmented}
    for run in [*NUMBER_RUN.finditer(normalised), *GLUED.finditer(normalised),
                *MONTH_HEAD.finditer(normalised)]:
        cuts = {cut for cut in cuts if not run.start() < cut < run.end()} | {run.start(), run.end()}
    bounds = sorted(cuts)
    pieces = (normalised[a:b] for a, b in pairwise(bounds))
    words, spaces = get_words_and_spaces([piece for piece in pieces if piece.strip()], normalised)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    for token in doc:  # a token's NORM is its lower-cased text unless set
        if reading(token.text) != token.lower_:
            token.norm_ = reading(token.text)
    return doc
