"""Jieba tokenisation for one bilingual model (`language: zh`).

Rasa's JiebaTokenizer also splits English but emits whitespace tokens, and it treats
Traditional and Simplified spellings of one word as different words. This tokenizer segments
the Simplified form of the text (OpenCC, character for character), keeps the borrower's own
spelling as each token's text, and puts the Simplified, lower-cased form in the token's lemma,
which the count-vector featurizers read. Whitespace and punctuation tokens are dropped.
"""
from __future__ import annotations

import unicodedata

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from bot.language import to_simplified


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class BilingualTokenizer(JiebaTokenizer):
    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        import jieba

        text = message.get(attribute) or ""
        normalised = simplified_same_length(text)
        tokens = [
            Token(text[start:end], start, end, lemma=normalised[start:end].lower())
            for word, start, end in jieba.tokenize(normalised)
            if is_word(word)
        ]
        if not tokens and text.strip():
            # Nothing but punctuation ("???"): keep one token so featurizers see something.
            stripped = text.strip()
            start = text.index(stripped)
            tokens = [Token(stripped, start, start + len(stripped), lemma=stripped)]
        return self._apply_token_pattern(tokens)


def simplified_same_length(text: str) -> str:
    """Simplified text with the same character offsets (else the original text)."""
    converted = to_simplified(text)
    return converted if len(converted) == len(text) else text


def is_word(token: str) -> bool:
    return any(not (char.isspace() or unicodedata.category(char).startswith("P")) for char in token)
