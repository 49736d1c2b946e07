"""Every intent a trainer sees on the review page has a name in English and in Chinese, one per
intent (bot/training/intents.py), and none is left for an intent domain.yml no longer has."""
from __future__ import annotations

import re

from bot.training.intents import NAMES, PREDICTABLE_EXTRA, named_intents, trainable_intents

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_intent_shown_has_a_name_and_no_name_is_left_over():
    assert set(NAMES) == {*trainable_intents(), *PREDICTABLE_EXTRA}
    assert [one["intent"] for one in named_intents()] == [*trainable_intents(), *PREDICTABLE_EXTRA]


def test_the_names_are_in_both_languages_and_tell_the_intents_apart():
    english = [names[0] for names in NAMES.values()]
    chinese = [names[1] for names in NAMES.values()]
    assert all(name.strip() and not HAN.search(name) for name in english)
    assert all(HAN.search(name) for name in chinese)
    assert len(set(english)) == len(english) and len(set(chinese)) == len(chinese)
