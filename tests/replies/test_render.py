"""Rendering a Reply from domain.yml's responses (bot/replies/render.py): the language's
variation or the default, values filled in, and a loud failure for a response that is not there."""
from __future__ import annotations

import pytest

from bot.gateway.app import GATEWAY_REPLIES
from bot.replies.render import MissingResponse, Rendered, Responses, domain_responses
from bot.replies.reply import Reply

ZH = [{"type": "slot", "name": "language", "value": "zh"}]
RESPONSES = Responses({
    "utter_owed": [
        {"condition": ZH, "text": "您还欠 {amount}。", "buttons": [{"title": "还款", "payload": "/pay"}]},
        {"text": "You owe {amount}.", "buttons": [{"title": "Pay", "payload": "/pay"}]},
    ],
    "utter_chinese_only": [{"condition": ZH, "text": "你好"}],
})


def test_the_language_s_variation_with_its_values():
    reply = Reply("utter_owed", {"amount": "¥2,160.00"})
    assert RESPONSES.render(reply, "zh") == Rendered(
        "您还欠 ¥2,160.00。", [{"title": "还款", "payload": "/pay"}])
    assert RESPONSES.render(reply, "en") == ("You owe ¥2,160.00.", [{"title": "Pay", "payload": "/pay"}])


def test_a_language_without_a_variation_reads_the_default():
    assert RESPONSES.render(Reply("utter_owed", {"amount": "1"}), "fr").text == "You owe 1."


def test_a_value_the_text_needs_and_the_reply_lacks_is_an_error():
    with pytest.raises(KeyError):
        RESPONSES.render(Reply("utter_owed"), "en")


def test_a_response_that_is_not_there_fails_loudly():
    with pytest.raises(MissingResponse, match="utter_gone"):
        RESPONSES.render(Reply("utter_gone"), "en")
    with pytest.raises(MissingResponse, match=r"utter_chinese_only.*en"):
        RESPONSES.render(Reply("utter_chinese_only"), "en")
    with pytest.raises(MissingResponse, match="utter_gone, utter_lost"):
        RESPONSES.require([Reply("utter_owed"), Reply("utter_lost"), Reply("utter_gone")])


def test_domain_yml_has_what_the_gateway_says_in_both_languages():
    responses = domain_responses().require(GATEWAY_REPLIES)
    for reply in GATEWAY_REPLIES:
        chinese, english = responses.render(reply, "zh").text, responses.render(reply, "en").text
        assert chinese != english and english.isascii() and not chinese.isascii()
