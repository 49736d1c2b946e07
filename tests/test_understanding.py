"""What the bot does with a message it could not place (bot.understanding): "did you mean" with
the likeliest intents, a request to rephrase, or a person."""
from __future__ import annotations

import pytest

from bot.replies.render import domain_responses
from bot.understanding import (
    ASK,
    CANNOT_HELP,
    HAND_OVER,
    REPHRASE,
    Heard,
    did_you_mean,
    likeliest,
    offerable,
    outcome,
)

OFFERABLE = offerable(domain_responses())


def unsure(*ranking: tuple[str, float]) -> Heard:
    return Heard("nlu_fallback", (("nlu_fallback", 0.4), *ranking))


DEFER_OR_SPLIT = unsure(("request_deferral", 0.38), ("request_instalment", 0.36), ("out_of_scope", 0.1),
                        ("greet", 0.05))
NO_GUESS = Heard("nlu_fallback")
OUT = Heard("out_of_scope")
UNDERSTOOD = Heard("ask_balance")


def test_the_titled_intents_are_those_a_borrower_may_mean():
    offered = set(OFFERABLE)
    assert {"ask_balance", "request_deferral", "request_instalment", "ask_identity"} <= offered
    assert not {"distress", "out_of_scope", "nlu_fallback", "affirm", "deny", "greet", "inform"} & offered


@pytest.mark.parametrize("heard, expected", [
    (DEFER_OR_SPLIT, ("request_deferral", "request_instalment")),
    (unsure(("ask_balance", 0.3), ("explain_charges", 0.2), ("ask_due_date", 0.15), ("claim_paid", 0.12)),
     ("ask_balance", "explain_charges", "ask_due_date")),
    (unsure(("out_of_scope", 0.35), ("ask_balance", 0.12)), ("ask_balance",)),
    (unsure(("request_deferral", 0.39), ("ask_balance", 0.11)), ("request_deferral",)),  # under a third
    (unsure(("distress", 0.3), ("greet", 0.3)), ()),
    (unsure(("ask_balance", 0.05)), ()),
    (NO_GUESS, ()),
    (Heard("out_of_scope", (("ask_balance", 0.3),)), ()),
])
def test_the_likeliest_intents_worth_offering(heard, expected):
    assert likeliest(heard, OFFERABLE) == expected


@pytest.mark.parametrize("session, expected", [
    ([DEFER_OR_SPLIT], ASK),
    ([NO_GUESS], REPHRASE),
    ([OUT], CANNOT_HELP),
    ([DEFER_OR_SPLIT, NO_GUESS], REPHRASE),  # "something else", or not understood again
    ([DEFER_OR_SPLIT, DEFER_OR_SPLIT], REPHRASE),
    ([DEFER_OR_SPLIT, DEFER_OR_SPLIT, NO_GUESS], HAND_OVER),
    ([NO_GUESS, DEFER_OR_SPLIT], HAND_OVER),
    ([OUT, NO_GUESS], HAND_OVER),
    ([NO_GUESS, OUT], HAND_OVER),
    ([NO_GUESS, UNDERSTOOD, DEFER_OR_SPLIT], ASK),  # understood in between: the count starts again
    ([DEFER_OR_SPLIT, UNDERSTOOD, NO_GUESS], REPHRASE),
])
def test_only_a_failure_after_a_question_counts_towards_a_person(session, expected):
    assert outcome(session, OFFERABLE).what == expected


def test_the_question_has_the_titles_in_the_reader_s_language_and_something_else_last():
    en = did_you_mean(domain_responses(), ("request_deferral", "request_instalment"), "en")
    assert [(b["title"], b["payload"]) for b in en.buttons] == [
        ("Pay later", "/request_deferral"), ("Split into instalments", "/request_instalment"),
        ("Something else", "/nlu_fallback")]
    zh = did_you_mean(domain_responses(), ("request_instalment",), "zh")
    assert "您是想说" in zh.text
    assert [b["title"] for b in zh.buttons] == ["分期还款", "都不是"]


def test_heard_reads_rasa_s_parse_data():
    parse = {"intent": {"name": "nlu_fallback", "confidence": 0.4},
             "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4},
                                {"name": "request_deferral", "confidence": 0.33}]}
    assert Heard.of(parse) == Heard("nlu_fallback", (("nlu_fallback", 0.4), ("request_deferral", 0.33)))
    assert Heard.of({}) == Heard(None, ())
