"""Every response exists in Chinese and English, with the same values filled in."""
from __future__ import annotations

import re
import string

import pytest
import yaml

from bot.runtime.settings import PROJECT_ROOT

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = DOMAIN["responses"]
ZH = [{"type": "slot", "name": "language", "value": "zh"}]
THREATS = re.compile(r"\b(sue|arrest|police|jail|prison|shame|employer will)\b|坐牢|拘留|曝光|通知你单位",
                     re.I)


def variations(name: str) -> tuple[dict, dict]:
    chinese = [v for v in RESPONSES[name] if v.get("condition") == ZH]
    english = [v for v in RESPONSES[name] if not v.get("condition")]
    assert len(chinese) == 1 and len(english) == 1, f"{name}: one zh and one default (en) variation"
    return chinese[0], english[0]


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_response_in_both_languages(name):
    chinese, english = variations(name)
    assert re.search(r"[\u4e00-\u9fff]", chinese["text"]), f"{name}: Chinese text expected"
    assert not re.search(r"[\u4e00-\u9fff]", english["text"]), f"{name}: English text expected"
    assert placeholders(chinese["text"]) == placeholders(english["text"])
    assert [b["payload"] for b in chinese.get("buttons", [])] == [
        b["payload"] for b in english.get("buttons", [])]


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_no_threatening_wording(name):
    for variation in RESPONSES[name]:
        assert not THREATS.search(variation["text"]), f"{name}: {variation['text']}"


CODE = [*(PROJECT_ROOT / "bot").rglob("*.py"), *(PROJECT_ROOT / "actions").glob("*.py")]
COMPOSER = PROJECT_ROOT / "bot/replies/names.py"


def composed_names() -> set[str]:
    """Every name bot/replies/names.py can compose, from what the code composes them of."""
    from bot.arrangements.eligibility import REFUSAL_REASONS
    from bot.arrangements.kinds import KINDS
    from bot.replies import names

    slots = [field.slot for kind in KINDS for field in kind.fields]
    return ({names.not_eligible(reason) for reason in REFUSAL_REASONS}
            | {names.invalid(slot) for slot in slots} | {names.ask(slot) for slot in slots}
            | {names.suggest(slot) for slot in slots})


def test_every_response_named_in_code_exists():
    from bot.arrangements.kinds import KINDS
    from bot.handoffs.opening import HARD_CASES

    literal = {
        name for source in CODE
        for name in re.findall(r'["\'](utter_\w+)["\']', source.read_text(encoding="utf-8"))
    }
    defined = ({kind.offer_response for kind in KINDS} | {kind.propose_response for kind in KINDS}
               | {case.answer for case in HARD_CASES.values()})
    named = literal | defined | composed_names()
    assert "utter_no_account" in named and "utter_balance_overdue" in named
    assert named <= set(RESPONSES), sorted(named - set(RESPONSES))


def test_response_names_are_composed_in_one_place_only():
    # An f-string or a concatenation elsewhere would name responses the test above cannot see.
    composing = re.compile(r'f["\']utter_|["\']utter_["\']\s*\+|["\']utter_\{|utter_%')
    for source in CODE:
        if source != COMPOSER:
            assert not composing.search(source.read_text(encoding="utf-8")), source


def test_every_suggestion_is_filled_by_what_its_kind_shows_about_a_value():
    # utter_suggest_<slot> may use the values the kind's `about` gives (a deferral's date).
    from bot.arrangements.kinds import KINDS
    from bot.replies import names
    from tests.arrangements.test_kinds import where

    for kind in KINDS:
        for field in kind.fields:
            value = kind.choices(field, where())[-1]
            for variation in RESPONSES[names.suggest(field.slot)]:
                assert placeholders(variation["text"]) <= set(kind.about(field, value, where())), field.slot
