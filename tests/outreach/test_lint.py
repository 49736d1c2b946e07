"""Banned phrasing: caught in English, Simplified and Traditional; kind wording passes."""
from __future__ import annotations

import pytest

from bot.language import to_traditional
from bot.outreach.errors import StrategyError
from bot.outreach.lint import BANNED, Finding, check_template, findings

CATEGORIES = ("threat", "false_legal", "third_party", "shaming", "borrow_elsewhere", "abuse")

KIND = [
    "Hi {name}, a friendly reminder: {amount} on loan {loan} is due on {due_date}.",
    "If things are hard right now, a person can help: tap Talk to a person.",
    "Reply STOP to stop these reminders.",
    "This is Wallet Credit's automated assistant, writing about a debt: your loan {loan}.",
    "您好，{name}，温馨提醒：贷款{loan}的{amount}将于{due_date}到期。",
    "如有困难，可以点“转人工”和专人商量。",
    "回复“停止”即可不再接收提醒。",
    "您好，我是钱包信用的自动助手，这条消息关于您的一笔欠款：贷款{loan}。",
    "您的还款已逾期{days}天，我们可以帮您分期还款。",
    # Near misses: a banned word inside another word, or a phrase that only looks like one.
    "We have issued a receipt for your payment. Thank you for your courtesy.",
    "Your payment is {days} days late; you can pay part now or choose a plan that suits you.",
    "Payments made on a public holiday arrive the next working day.",
    "您的借款还有3天到期，可以在应用里还款。",
]


@pytest.mark.parametrize("text", KIND)
def test_kind_collection_wording_is_clean(text: str) -> None:
    assert findings(text) == []
    check_template(text, where="outreach.yml: stages.D+1.variants.champion.en")


@pytest.mark.parametrize("text", KIND[4:9] + KIND[-1:])
def test_kind_chinese_wording_is_clean_in_traditional_too(text: str) -> None:
    assert findings(to_traditional(text)) == []


@pytest.mark.parametrize(("text", "category", "phrase"), [
    # threat
    ("If you do not pay we will come to your home.", "threat", "come to your home"),
    ("We will visit you at work.", "threat", "visit you"),
    ("Pay today or you'll regret it.", "threat", "you'll regret"),
    ("Pay today or you’ll regret it.", "threat", "you’ll regret"),
    ("Pay now, or else.", "threat", "or else"),
    ("There will be consequences.", "threat", "consequences"),
    ("再不还款我们就上门。", "threat", "上门"),
    ("逾期不还，后果自负。", "threat", "后果自负"),
    ("逾期不還，後果自負。", "threat", "後果自負"),
    ("不还？走着瞧。", "threat", "走着瞧"),
    ("不還？走著瞧。", "threat", "走著瞧"),
    ("别怪我们不客气。", "threat", "别怪我们不客气"),
    ("別怪我們不客氣。", "threat", "別怪我們不客氣"),
    # false_legal
    ("You could be arrested.", "false_legal", "arrested"),
    ("We will call the POLICE.", "false_legal", "POLICE"),
    ("Non-payment can mean jail.", "false_legal", "jail"),
    ("Non-payment can mean prison.", "false_legal", "prison"),
    ("This is a criminal matter.", "false_legal", "criminal"),
    ("We will sue you.", "false_legal", "sue"),
    ("A lawsuit will follow.", "false_legal", "lawsuit"),
    ("We will take legal action.", "false_legal", "legal action"),
    ("See you in court.", "false_legal", "court"),
    ("我们将报警处理。", "false_legal", "报警"),
    ("你会坐牢。", "false_legal", "坐牢"),
    ("我们将向法院申请。", "false_legal", "法院"),
    ("我們將起訴你。", "false_legal", "起訴"),
    ("公安已介入。", "false_legal", "公安"),
    ("此事已经立案。", "false_legal", "立案"),
    ("你可能被拘留。", "false_legal", "拘留"),
    ("这涉及刑事责任。", "false_legal", "刑事"),
    ("我們已發出律師函。", "false_legal", "律師函"),
    # third_party
    ("We will tell your family.", "third_party", "your family"),
    ("We will contact your employer.", "third_party", "your employer"),
    ("We will call your boss.", "third_party", "your boss"),
    ("We will tell your colleagues.", "third_party", "your colleagues"),
    ("We will message your contacts.", "third_party", "your contacts"),
    ("我们会联系你的家人。", "third_party", "家人"),
    ("我們會聯繫你的家人", "third_party", "家人"),
    ("我們會通知你的親友。", "third_party", "親友"),
    ("我们会打电话到你单位。", "third_party", "单位"),
    ("我們會告訴你的領導。", "third_party", "領導"),
    ("我们会告诉你的同事。", "third_party", "同事"),
    ("我们会联系你通讯录里的人。", "third_party", "通讯录"),
    ("我們會聯絡你的緊急聯絡人。", "third_party", "緊急聯絡人"),
    ("我们会联系你的紧急联系人。", "third_party", "紧急联系人"),
    # shaming
    ("We will publish your name.", "shaming", "publish"),
    ("Your debt will be posted on social media.", "shaming", "social media"),
    ("You will be blacklisted.", "shaming", "blacklisted"),
    ("We will expose you.", "shaming", "expose"),
    ("我们会把你曝光。", "shaming", "曝光"),
    ("你的欠款将被公示。", "shaming", "公示"),
    ("你已被列入黑名單。", "shaming", "黑名單"),
    ("我们会发到朋友圈。", "shaming", "朋友圈"),
    # borrow_elsewhere
    ("Borrow from a friend to pay.", "borrow_elsewhere", "Borrow from"),
    ("Take another loan to cover it.", "borrow_elsewhere", "Take another loan"),
    ("Use your credit card to pay today.", "borrow_elsewhere", "credit card to pay"),
    ("可以先借钱还上。", "borrow_elsewhere", "借钱还"),
    ("以貸養貸也要還。", "borrow_elsewhere", "以貸養貸"),
    ("可以信用卡套现还款。", "borrow_elsewhere", "套现"),
    ("去找朋友借一点。", "borrow_elsewhere", "找朋友借"),
    # abuse
    ("Don't be a deadbeat.", "abuse", "deadbeat"),
    ("You are a liar.", "abuse", "liar"),
    ("你就是个老赖。", "abuse", "老赖"),
    ("你這個騙子。", "abuse", "騙子"),
])
def test_each_category_is_caught(text: str, category: str, phrase: str) -> None:
    assert findings(text) == [Finding(category, phrase)]


@pytest.mark.parametrize(("simplified", "category"), [
    ("再不还款我们就上门。", "threat"), ("你会坐牢。", "false_legal"),
    ("我们会联系你的家人。", "third_party"), ("你已被列入黑名单。", "shaming"),
    ("以贷养贷也要还。", "borrow_elsewhere"), ("你就是个老赖。", "abuse"),
])
def test_each_category_is_caught_in_simplified_and_traditional(simplified: str, category: str) -> None:
    traditional = to_traditional(simplified)
    assert traditional != simplified  # the case really is written in the other script
    assert [finding.category for finding in findings(simplified)] == [category]
    assert [finding.category for finding in findings(traditional)] == [category]


def test_every_category_has_english_and_chinese_patterns() -> None:
    assert tuple(BANNED) == CATEGORIES
    assert all(words["en"] and words["zh"] for words in BANNED.values())


def test_findings_come_in_the_order_they_are_written() -> None:
    text = "Liar. We will tell your family and call the police. 你这个骗子，后果自负。"
    assert findings(text) == [
        Finding("abuse", "Liar"), Finding("third_party", "your family"), Finding("false_legal", "police"),
        Finding("abuse", "骗子"), Finding("threat", "后果自负"),
    ]


def test_check_template_names_the_key_the_category_and_the_phrase() -> None:
    with pytest.raises(StrategyError) as error:
        check_template("您好，{name}，逾期不還，後果自負。我們會聯繫你的家人。",
                       where="outreach.yml: stages.D+30.variants.champion.zh")
    assert str(error.value).startswith(
        "outreach.yml: stages.D+30.variants.champion.zh: banned phrasing (threat): '後果自負' — ")
