"""outreach.yml's words: the stages and events as messages of weighted variants, each text in
English and Chinese with its placeholders checked and its phrasing linted; and the plans, a
stage a day, by days from the due date."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.outreach.errors import StrategyError
from bot.outreach.strategy_values import LANGUAGES, at, keys, mapping, template, whole, word

STAGE_FIELDS = ("name", "loan", "amount", "due_date", "days", "lender")
EVENT_FIELDS = (*STAGE_FIELDS, "number", "of")  # the instalment's number, of how many
STAGE_NAME = re.compile(r"D(0|[+-][1-9][0-9]{0,2})")  # D-3, D0, D+7: days from the due date
NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Text:
    """One line in both languages."""

    en: str
    zh: str

    def in_language(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class Variant:
    name: str
    weight: int  # its share of borrowers, against the message's other variants
    en: str
    zh: str

    def text(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class Message:
    variants: tuple[Variant, ...]  # champion first, as written


@dataclass(frozen=True)
class Stage:
    name: str  # D-3, D0, D+7
    offset: int  # days from the due date: -3, 0, 7
    message: Message


# --- stages and plans -------------------------------------------------------------------------


def parse_stages(raw: Any, where: str) -> dict[str, Stage]:
    stages = {}
    for name, value in mapping(raw, where).items():
        if not isinstance(name, str) or not STAGE_NAME.fullmatch(name):
            raise StrategyError(f"{at(where, name)}: a stage is named by its days from the due date, "
                                "like D-3, D0 or D+7")
        stages[name] = Stage(name, int(name[1:]), parse_message(value, at(where, name), STAGE_FIELDS))
    return stages


def parse_plans(raw: Any, where: str, stages: Mapping[str, Stage]) -> dict[str, tuple[Stage, ...]]:
    plans = {}
    for name, names in mapping(raw, where).items():
        here = at(where, name)
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise StrategyError(f"{here}: a plan's name is lower case, like standard")
        if not isinstance(names, list) or not names:
            raise StrategyError(f"{here}: must be a list of stage names, like [D-3, D0, D+1]")
        for stage in names:
            if not isinstance(stage, str) or stage not in stages:
                raise StrategyError(f"{here}: names stage {stage}, which stages does not define")
        offsets = [stages[stage].offset for stage in names]
        twice = next((stage for stage in names if offsets.count(stages[stage].offset) > 1), None)
        if twice is not None:
            raise StrategyError(f"{here}: names {twice} twice; a plan has one stage a day")
        plans[name] = tuple(sorted((stages[stage] for stage in names), key=lambda stage: stage.offset))
    if not plans:
        raise StrategyError(f"{where}: must name at least one plan")
    return plans


def parse_message(raw: Any, where: str, fields: tuple[str, ...]) -> Message:
    here = at(where, "variants")
    variants = mapping(keys(raw, where, {"variants"}, {"variants"})["variants"], here)
    if not variants:
        raise StrategyError(f"{here}: must have at least one variant, like champion")
    return Message(tuple(_variant(name, value, at(here, name), fields) for name, value in variants.items()))


def _variant(name: Any, raw: Any, where: str, fields: tuple[str, ...]) -> Variant:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise StrategyError(f"{where}: a variant's name is lower case, like champion or challenger")
    given = keys(raw, where, ("weight", *LANGUAGES), ("weight", *LANGUAGES))
    texts = {language: template(given[language], at(where, language), fields) for language in LANGUAGES}
    return Variant(name, whole(given["weight"], at(where, "weight"), 1), texts["en"], texts["zh"])


# --- single lines ------------------------------------------------------------------------------


def parse_text(raw: Any, where: str, fields: tuple[str, ...]) -> Text:
    given = keys(raw, where, LANGUAGES, LANGUAGES)
    return Text(*(template(given[language], at(where, language), fields) for language in LANGUAGES))


def parse_words(raw: Any, where: str) -> Text:
    """Plain words that fill a placeholder, such as the lender's name."""
    given = keys(raw, where, LANGUAGES, LANGUAGES)
    return Text(*(word(given[language], at(where, language)) for language in LANGUAGES))
