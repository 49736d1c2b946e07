"""Answers that leave the day to the bot (bot.values.vague)."""
from __future__ import annotations

import pytest

from bot.values.vague import leaves_it_open


@pytest.mark.parametrize("text", [
    "whenever", "Whenever!", "any day", "any day is fine", "anytime", "as late as possible",
    "as  late as possible please", "I don't mind", "I don’t mind", "up to you", "whatever works",
    "随便", "哪天都行", "哪天都可以", "什么时候都行", "越晚越好", "越晚越好吧", "无所谓", "你们定吧",
    "隨便", "哪天都可以啦", "最晚那天",
])
def test_answers_that_leave_the_day_open(text):
    assert leaves_it_open(text)


@pytest.mark.parametrize("text", [
    "yes", "可以", "on the 15th", "next Friday", "15号", "no", "不行", "I lost my job", "soon",
    "everyday expenses", "whenwhat",
])
def test_answers_that_do_not(text):
    assert not leaves_it_open(text)
