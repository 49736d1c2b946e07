"""A borrower in crisis is never missed: a lexicon of crisis phrases over the model.

DIET learns `distress` from examples and misses wordings it has not seen. This component runs
after DIETClassifier and FallbackClassifier; a message with a crisis phrase (crisis_phrases.yml:
wanting to die, suicide, self-harm, no reason to live … in English, Chinese and Cantonese) gets
the intent `distress` with confidence 1.0, at the top of the ranking, and `crisis_match` names
the phrase. A phrase right after a plain negation ("I'm not suicidal", 我没有想死) does not count,
and hyperbole (笑死, 想死你了, "financial suicide") is blanked out first. A means named plainly
(pills saved up, a rope, 安眠药) does not count in a purchase question ("refund for the pills").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import to_simplified

PHRASES_FILE = Path(__file__).with_name("crisis_phrases.yml")
CRISIS_MATCH = "crisis_match"  # the message attribute naming the phrase that matched

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_LATIN = re.compile(r"[a-z0-9]")
_JOINERS = "-_/~*·"  # inside a word or phrase ("self-harm"): a space
# Spoken and texted forms, after apostrophes are dropped and letter runs collapsed.
_WORDS = {
    "dont": "do not", "doesnt": "does not", "didnt": "did not", "isnt": "is not",
    "arent": "are not", "wasnt": "was not", "werent": "were not", "wouldnt": "would not",
    "couldnt": "could not", "shouldnt": "should not", "havent": "have not", "hasnt": "has not",
    "hadnt": "had not", "aint": "am not", "cant": "can not", "cannot": "can not", "canot": "can not",
    "wont": "will not", "im": "i am", "ive": "i have", "wanna": "want to", "wana": "want to",
    "gonna": "going to", "gona": "going to",
    "tryna": "trying to", "dnt": "do not", "dun": "do not", "wan": "want", "b": "be",
    "theres": "there is", "thats": "that is", "whats": "what is", "u": "you", "ur": "your",
    "2": "to", "myslef": "myself",
}
_PHRASES = {"any more": "anymore", "my self": "myself", "me self": "myself"}


def normalised(text: str) -> str:
    """Lower case, Simplified, apostrophes dropped, punctuation a clause break (","), runs of
    one character collapsed (a Chinese character repeated, a letter three times or more: "noose"
    and "nose" stay apart), no spaces next to Chinese, texted forms spelt out."""
    text = to_simplified(text).lower().replace("著", "着")
    text = re.sub(r"['’‘`´]", "", text)
    text = "".join(_plain(char) for char in text)
    text = re.sub(rf"([{_HAN}])\1+|([^{_HAN}])\2{{2,}}", lambda run: run[0][0], text)
    text = re.sub(r" +", " ", text)
    text = re.sub(r" ?, ?", ",", text)
    text = re.sub(rf"(?<=[{_HAN}]) | (?=[{_HAN}])", "", text).strip(" ,")
    text = re.sub(r"[a-z0-9]+", lambda word: _WORDS.get(word[0], word[0]), text)
    for written, meant in _PHRASES.items():
        text = re.sub(rf"(?<![a-z0-9]){written}(?![a-z0-9])", meant, text)
    return text


def _plain(char: str) -> str:
    if char.isspace() or char in _JOINERS:
        return " "
    return "," if unicodedata.category(char)[0] in "PS" else char


@dataclass(frozen=True)
class Phrase:
    text: str  # as written in crisis_phrases.yml
    pattern: re.Pattern[str]
    keys: frozenset[str]  # a word or character pair of each wording: any match contains one


class PhraseIndex:
    """The phrases by key: only those whose key is in a message are tried, so nearly every
    message tries none of the ~700 patterns (parsing four times faster than trying them all)."""

    def __init__(self, phrases: tuple[Phrase, ...]) -> None:
        self.by_key: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            for key in phrase.keys:
                self.by_key.setdefault(key, []).append(phrase)

    def candidates(self, text: str) -> set[Phrase]:
        return {phrase for key in keys_in(text) for phrase in self.by_key.get(key, ())}


def keys_in(text: str) -> set[str]:
    """A normalised text's Latin words, Chinese characters and pairs of adjacent ones."""
    han = [run[0] for run in re.finditer(f"[{_HAN}]+", text)]
    return (set(re.findall(r"[a-z0-9]+", text)) | {char for run in han for char in run}
            | {run[i:i + 2] for run in han for i in range(len(run) - 1)})


def wording_key(parts: list[str]) -> str:
    """One key a match of the wording (its normalised literal parts) always contains: a pair
    of Chinese characters (else one) if it has any, since a Chinese wording's gaps may run into
    a Latin word; otherwise its longest Latin word, matched whole."""
    han = [run[0] for part in parts for run in re.finditer(f"[{_HAN}]+", part)]
    if han:
        return max(han, key=len)[:2]
    return max((word for part in parts for word in re.findall(r"[a-z0-9]+", part)), key=len)


@dataclass(frozen=True)
class Lexicon:
    phrases: PhraseIndex
    means: PhraseIndex  # a means named plainly: not counted in a message about a purchase
    shopping: re.Pattern[str]
    not_crisis: re.Pattern[str]
    negated: re.Pattern[str]  # matches the end of the text before a negated phrase

    def match(self, text: str) -> str | None:
        """The first crisis phrase in `text` not right after a negation (the longest of those
        starting there), else None."""
        text = self.not_crisis.sub(",", normalised(text))
        phrases = self.phrases.candidates(text)
        if not self.shopping.search(text):
            phrases |= self.means.candidates(text)
        found = [(match.start(), -len(match[0]), phrase.text)
                 for phrase in phrases
                 for match in phrase.pattern.finditer(text)
                 if not self.negated.search(text[:match.start()])]
        return min(found)[2] if found else None


def variants(phrase: str) -> list[str]:
    """The wordings of a phrase: "wish i (was|were) dead" is "wish i was dead" or "wish i were
    dead"; an empty choice, "(just|)", leaves the word out."""
    group = re.search(r"\(([^()]*)\)", phrase)
    if group is None:
        return [phrase]
    return [variant for choice in group[1].split("|")
            for variant in variants(phrase[:group.start()] + choice + phrase[group.end():])]


def _pattern(phrase: str) -> str:
    """The regular expression of a phrase: `(a|b)` a choice, `*` a short gap with no negation
    in it ("wish i * dead" is not "wish i was not dead"), Latin words matched whole."""
    return "|".join(_wording(variant) for variant in variants(phrase))


def _wording(phrase: str) -> str:
    parts = [normalised(part) for part in phrase.split("*")]
    chinese = re.search(f"[{_HAN}]", "".join(parts))
    gap = r"[^,不没未别唔冇]{0,4}" if chinese else r" (?:(?!(?:not|never|no) )[^ ,]+ ){0,3}"
    body = gap.join(re.escape(part) for part in parts)
    start = r"(?<![a-z0-9])" if _LATIN.match(parts[0][:1]) else ""
    end = r"(?![a-z0-9])" if _LATIN.match(parts[-1][-1:]) else ""
    return f"(?:{start}{body}{end})"


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(normalised(word)) for word in sorted(words, key=len, reverse=True))


@cache
def lexicon(path: Path = PHRASES_FILE) -> Lexicon:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    negations = document["negations"]
    english = (rf"(?<![a-z0-9])(?:{_alternatives(negations['en'])})"
               rf"(?: (?:{_alternatives(negations['en_fillers'])})){{0,4}} ?$")
    chinese = (rf"(?:{_alternatives(negations['zh'])})"
               rf"(?:{_alternatives(negations['zh_fillers'])}){{0,3}}$")
    return Lexicon(
        phrases=_compiled(document["phrases"]),
        means=_compiled(document["means"]),
        shopping=re.compile("|".join(_pattern(str(word)) for word in document["shopping"])),
        not_crisis=re.compile("|".join(_pattern(str(phrase)) for phrase in document["not_crisis"])),
        negated=re.compile(f"{english}|{chinese}"),
    )


def _compiled(languages: dict[str, list[str]]) -> PhraseIndex:
    return PhraseIndex(tuple(
        Phrase(str(phrase), re.compile(_pattern(str(phrase))), frozenset(
            wording_key([normalised(part) for part in variant.split("*")])
            for variant in variants(str(phrase))))
        for phrases in languages.values() for phrase in phrases))


def crisis_phrase(text: str) -> str | None:
    """The crisis phrase (as written in crisis_phrases.yml) that `text` says, else None."""
    return lexicon().match(text)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class CrisisClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intent": "distress"}

    def __init__(self, config: dict[str, Any]) -> None:
        self.intent = config["intent"]
        lexicon()  # read once, at start-up, so a broken file stops the model loading

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisClassifier:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            phrase = crisis_phrase(message.get(TEXT) or "")
            if phrase is not None:
                mark_crisis(message, self.intent, phrase)
        return messages


def mark_crisis(message: Message, intent: str, phrase: str) -> None:
    top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    rest = [ranked for ranked in message.get(INTENT_RANKING_KEY) or []
            if ranked.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *rest], add_to_output=True)
    message.set(CRISIS_MATCH, phrase, add_to_output=True)
