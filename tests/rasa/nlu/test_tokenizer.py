"""bot/rasa/nlu/tokenizer.py and products.py: one bilingual tokenizer; the lender's product
names read as one word whatever they are called, kept inside the trained model."""
from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa.nlu.products import PRODUCT, Products, ProductsError, load_products
from bot.rasa.nlu.tokenizer import BilingualTokenizer
from bot.runtime.settings import PROJECT_ROOT

PRODUCTS_YML = """
products:
  - {name: "钱包借款", synonyms: ["信用付", "錢包貸"]}
  - {name: "PayLater", synonyms: ["wallet credit"]}
"""


@pytest.fixture
def products_file(tmp_path: Path) -> Path:
    path = tmp_path / "products.yml"
    path.write_text(PRODUCTS_YML, encoding="utf-8")
    return path


def tokenizer(tmp_path: Path, products_path: Path | None
              ) -> tuple[BilingualTokenizer, LocalModelStorage, Resource]:
    (tmp_path / "model").mkdir(exist_ok=True)
    storage, resource = LocalModelStorage(tmp_path / "model"), Resource("tokenizer")
    config = {**BilingualTokenizer.get_default_config(),
              "dictionary_path": str(PROJECT_ROOT / "bot/rasa/nlu/dictionary"),
              "products_path": str(products_path) if products_path else None}
    made = BilingualTokenizer.create(config, storage, resource, ExecutionContext(None, "test"))
    return made, storage, resource


def tokens(tokenizer: BilingualTokenizer, text: str) -> list[tuple[str, str]]:
    return [(token.text, token.lemma) for token in tokenizer.tokenize(Message(data={"text": text}), "text")]


def test_traditional_reads_as_simplified_and_punctuation_is_dropped(tmp_path):
    made, _, _ = tokenizer(tmp_path, None)
    assert ("還", "还") in tokens(made, "我還欠多少錢？")
    assert all(text.strip() and text not in "？?" for text, _ in tokens(made, "我 還欠 多少錢 ？"))


def test_every_product_name_is_one_token_with_one_lemma(tmp_path, products_file):
    made, _, _ = tokenizer(tmp_path, products_file)
    assert ("信用付", PRODUCT) in tokens(made, "我的信用付能不能分期")
    assert ("錢包貸", PRODUCT) in tokens(made, "錢包貸逾期了怎麼辦")  # Traditional, as written
    assert ("Wallet  Credit", PRODUCT) in tokens(made, "can I split my Wallet  Credit bill?")
    assert ("PayLater", PRODUCT) in tokens(made, "PayLater overdue")
    assert all(lemma != PRODUCT for _, lemma in tokens(made, "can I pay later?"))  # no name here


def test_the_names_are_kept_in_the_model(tmp_path, products_file):
    made, storage, resource = tokenizer(tmp_path, products_file)
    made.train(TrainingData())
    config = {**made._config, "products_path": None}  # the file may be gone: the model has them
    loaded = BilingualTokenizer.load(config, storage, resource, ExecutionContext(None, "test"))
    assert loaded.products == made.products
    assert ("信用付", PRODUCT) in tokens(loaded, "信用付怎么还")


def test_longest_names_first_and_latin_names_only_as_words():
    products = Products.of(["借款", "钱包借款", "loan"])
    assert products.spans("我的钱包借款") == [(2, 6)]
    assert products.spans("loans and a loan") == [(12, 16)]


@pytest.mark.parametrize("text, problem", [
    ("products: 3", "must have a top-level 'products' list"),
    ("products: [{synonyms: [a]}]", "products[0]: must be a mapping with a 'name'"),
    ("products: [{name: x, synonyms: x}]", "products[0].synonyms: must be a list of names"),
    ("products: [", "not valid YAML"),
])
def test_a_wrong_products_file_names_the_place(tmp_path, text, problem):
    path = tmp_path / "products.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProductsError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        load_products(path)


def test_a_word_repeated_on_and_on_counts_three_times(tmp_path):
    made, _, _ = tokenizer(tmp_path, None)
    assert [lemma for _, lemma in tokens(made, "我" * 2000)] == ["我", "我", "我"]
    assert [lemma for _, lemma in tokens(made, "no no no no no no")] == ["no", "no", "no"]
    assert len(tokens(made, "不想活了不想活了不想活了不想活了")) == len(tokens(made, "不想活了")) * 4
