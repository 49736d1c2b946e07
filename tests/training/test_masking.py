"""What a trainer reads of a message (bot/training/masking.py): the words, without the
borrower's name in any script, phone, card and account numbers, e-mail addresses or amounts;
dates, instalment counts and durations stay, for they are what the model must learn."""
from __future__ import annotations

import pytest

from bot.training.masking import mask_text


@pytest.mark.parametrize(("text", "names", "masked"), [
    # Chinese names: as stored, in the other script, the given name alone, the family name with a title
    ("我是王伟，王伟的钱下周还", ["王伟"], "我是[name]，[name]的钱下周还"),
    ("我是王偉", ["王伟"], "我是[name]"),
    ("我叫小明，王小明", ["王小明"], "我叫[name]，[name]"),
    ("王先生不在，我是王太太", ["王伟"], "[name]不在，我是[name]"),
    ("欧阳娜娜说娜娜没钱", ["欧阳娜娜"], "[name]说[name]没钱"),
    ("伟大的一天", ["王伟"], "伟大的一天"),  # a one-character given name alone is an ordinary word
    # Latin names: whole words, any case, each part
    ("this is ann LEE, Ann here", ["Ann Lee"], "this is [name], [name] here"),
    ("Annabel paid the annual fee", ["Ann Lee"], "Annabel paid the annual fee"),
    ("Tan says hi", ["Alice Tan"], "[name] says hi"),
    ("王伟 David here, David or 王伟", ["王伟 David"], "[name] here, [name] or [name]"),
    ("nobody named", [], "nobody named"),
])
def test_the_borrowers_own_name(text, names, masked):
    assert mask_text(text, names) == masked


@pytest.mark.parametrize(("text", "masked"), [
    ("call me on +86 138 0013 8000", "call me on [phone]"),
    ("my number is 9123 4567", "my number is [phone]"),
    ("(021) 5555-1234 any time", "[phone] any time"),
    ("我的手机13800138000", "我的手机[number]"),
    ("card 6222 0212 3456 7890", "card [card]"),
    ("卡号6222021234567890", "卡号[card]"),
    ("account 12345678", "account [number]"),
    ("身份证11010519491231002X", "身份证[number]"),
    ("write to ann.lee@example.com", "write to [email]"),
])
def test_phone_card_and_account_numbers_and_addresses(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(("text", "masked"), [
    ("¥1,234.50 is too much", "[amount] is too much"),
    ("I can pay HK$300 next week", "I can pay [amount] next week"),
    ("我下周还3000元", "我下周还[amount]"),
    ("三千五百块我付不起", "[amount]我付不起"),
    ("I'll pay 500 on Friday", "I'll pay [amount] on Friday"),
    ("I owe 1,234.50", "I owe [amount]"),
    ("50 usd now, RMB500 later", "[amount] now, [amount] later"),
    ("我欠你们两万", "我欠你们[amount]"),
])
def test_amounts_with_or_without_a_currency(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", [
    "can I split it into 6 payments?", "分6期可以吗", "延期两周", "pay on 2026-01-15", "15号可以吗",
    "give me 2 weeks", "晚10天",
])
def test_dates_counts_and_durations_stay(text):
    assert mask_text(text) == text


def test_everything_at_once():
    text = "王偉 here, card 6222 0212 3456 7890, call 9123 4567, I'll pay HK$300 on the 15th"
    masked = "[name] here, card [card], call [phone], I'll pay [amount] on the 15th"
    assert mask_text(text, ["王伟"]) == masked
