"""Jieba tokenisation for one bilingual model (`language: zh`).

Rasa's JiebaTokenizer also splits English but emits whitespace tokens, and it treats
Traditional and Simplified spellings of one word as different words. This tokenizer segments
the Simplified form of the text (OpenCC, character for character), keeps the borrower's own
spelling as each token's text, and puts the Simplified, lower-cased form in the token's lemma,
which the count-vector featurizers read. Whitespace and punctuation tokens are dropped. The
lender's product names (products.yml, bot/rasa/nlu/products.py) become one token each, with
the same lemma whatever the name.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import to_simplified
from bot.rasa.nlu.products import PRODUCT, Products, load_products

PRODUCTS_FILE = "products.txt"  # kept in the model beside the dictionary: one name a line


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class BilingualTokenizer(JiebaTokenizer):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**JiebaTokenizer.get_default_config(), "products_path": None}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 products: Products) -> None:
        super().__init__(config, model_storage, resource)
        self.products = products
        _keep_whole(products)

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> BilingualTokenizer:
        if config["dictionary_path"] is not None:
            cls._load_custom_dictionary(config["dictionary_path"])
        return cls(config, model_storage, resource, load_products(config["products_path"]))

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> BilingualTokenizer:
        products = Products(())
        try:
            with model_storage.read_from(resource) as directory:
                _load_word_lists(Path(directory))
                products = _read_products(Path(directory) / PRODUCTS_FILE)
        except ValueError:  # trained without a dictionary or products: nothing was kept
            pass
        return cls(config, model_storage, resource, products)

    def train(self, training_data: TrainingData) -> Resource:
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            if self._config["dictionary_path"] is not None:
                self._copy_files_dir_to_dir(self._config["dictionary_path"], str(directory))
            (Path(directory) / PRODUCTS_FILE).write_text(
                "".join(f"{name}\n" for name in self.products.names), encoding="utf-8")

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        import jieba

        text = message.get(attribute) or ""
        normalised = simplified_same_length(text)
        tokens = [
            Token(text[start:end], start, end, lemma=normalised[start:end].lower())
            for word, start, end in jieba.tokenize(normalised)
            if is_word(word)
        ]
        tokens = _without_long_runs(_products_as_one(tokens, text, self.products.spans(normalised.lower())))
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


MAX_RUN = 3  # the same word this many times in a row says all that more of it would


def _without_long_runs(tokens: list[Token]) -> list[Token]:
    """A word repeated on and on (我我我…, "no no no no no", a key held down) counts at most
    MAX_RUN times: otherwise its count alone outweighs everything else a message says."""
    kept: list[Token] = []
    for token in tokens:
        if len(kept) >= MAX_RUN and all(t.lemma == token.lemma for t in kept[-MAX_RUN:]):
            continue
        kept.append(token)
    return kept


def _products_as_one(tokens: list[Token], text: str, spans: list[tuple[int, int]]) -> list[Token]:
    """The tokens with those inside a product name's span replaced by one PRODUCT token."""
    if not spans:
        return tokens
    outside = [t for t in tokens if not any(start < t.end and t.start < end for start, end in spans)]
    named = [Token(text[start:end], start, end, lemma=PRODUCT) for start, end in spans]
    return sorted([*outside, *named], key=lambda token: token.start)


def _keep_whole(products: Products) -> None:
    # Chinese names must not be cut by jieba into pieces that also stand for other words.
    import jieba

    for name in products.names:
        if not name.isascii():
            jieba.add_word(name)


def _load_word_lists(directory: Path) -> None:
    """The dictionary kept in the model: every file but the product names (which are added
    word by word: a name with a space is not a jieba dictionary line)."""
    import jieba

    for path in sorted(directory.iterdir()):
        if path.is_file() and path.name != PRODUCTS_FILE:
            jieba.load_userdict(str(path))


def _read_products(path: Path) -> Products:
    if not path.exists():
        return Products(())
    return Products.of(path.read_text(encoding="utf-8").splitlines())


def project_tokenizer(root: Path | None = None) -> BilingualTokenizer:
    """The tokenizer as config.yml sets it up, outside a model (to read a corpus as the model
    reads messages: bot/rasa/nlu/vector_training.py)."""
    from bot.runtime.settings import PROJECT_ROOT

    root = root or PROJECT_ROOT
    config = {**BilingualTokenizer.get_default_config(),
              "dictionary_path": str(root / "bot/rasa/nlu/dictionary"),
              "products_path": str(root / "products.yml")}
    BilingualTokenizer._load_custom_dictionary(config["dictionary_path"])
    return BilingualTokenizer(config, None, None, load_products(config["products_path"]))  # type: ignore[arg-type]
