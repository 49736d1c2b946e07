"""bot/rasa/nlu/crisis.py: a borrower in crisis is answered as `distress` whatever the model
said; hyperbole, debt talk and plain negations are not crisis."""
from __future__ import annotations

import pytest
import yaml
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.nlu.crisis import (
    CRISIS_MATCH,
    PHRASES_FILE,
    CrisisClassifier,
    _pattern,
    crisis_phrase,
    normalised,
    variants,
)

CRISIS = {
    "en": [
        "I want to kill myself",
        "honestly i just wanna die",
        "I don't want to live anymore",
        "I dont want to be here any more",
        "everyone would be better off without me",
        "my family is better off if I was gone, I'm a burden",
        "would anyone even care if I were gone",
        "they wouldn't even notice if I was gone",
        "some days I wish I wasn't alive",
        "i wish i had never been born",
        "my family would not care if I died",
        "I have had enough of life",
        "everyone would be fine if I vanished for good",
        "I'm thinking about suicide",
        "feeling suicidal tonight",
        "kms",
        "gonna unalive myself",
        "I want to END IT ALL",
        "there is no reason to live",
        "i have nothing left to live for",
        "I can't go on like this",
        "I've been cutting myself again",
        "I want to take all my pills",
        "I'll jump off the bridge",
        "im going to overdose",
        "i feel so hopeless",
        "I wish I was dead",
        "I'd be better off dead",
        "want to dieeee",
        "I KEEP THINKING OF KILLING MYSELF",
        "what's the point of living",
        "I've lost the will to live",
        "No, I want to die",
        "suicde",
        # die / dying / dead / death in any word order
        "just let me die", "I'd rather be dead", "I wish I were dead", "i want to be dead",
        "i should just die", "dying is the only way", "the only way out is death",
        "no way out but dying", "death would be a relief", "i want to just die",
        # a means stated plainly
        "I have pills saved up", "the pills are in front of me", "I have a rope",
        "I have a noose ready", "I have a plan and the pills", "thinking of jumping off the bridge",
        "jumping from the roof tonight", "I'll jump in front of a train",
        "gonna step in front of a car", "razor blade to my wrist", "gun to my head",
        # not existing, not waking up
        "i keep thinking about not existing", "i want to stop existing",
        "i want to disappear forever", "i hope i don't wake up",
        "i want to go to sleep and never wake up", "i won't be here tomorrow",
        "I just want to not exist",
        # hopelessness about living
        "what's the point of living", "what is the point of anything anymore",
        "whats the point of going on", "what's the use of living", "no reason to keep going",
        "life is not worth it", "why am i even alive", "my life is worthless",
        # goodbye, a last message
        "this is my last message", "goodbye forever", "tell my family i'm sorry",
        # hopelessness, no way out, no future, a high place (added after the second measurement)
        "honestly what's the point anymore", "there's no way out of this except death",
        "i don't see any future for me", "there is no future for me",
        "im standing on the bridge now",
    ],
    "zh_hans": [
        "我想死",
        "我不想活了",
        "我真的活不下去了",
        "还不起钱，我想自杀",
        "我想跳楼",
        "我要割腕",
        "想了结自己",
        "死了一了百了",
        "我想结束生命",
        "我撑不下去了",
        "我没有活下去的意义",
        "活着没意思",
        "我是家里的累赘",
        "死了就不用还了",
        "吃了一整瓶安眠药",
        "好想死啊啊啊",
        "想死想死想死",
        "我 不 想 活 了",
        "不如死了算了",
        "有轻生的念头",
        "死了算了", "死了一了百了", "不如死了", "让我去死吧", "死是唯一的出路",
        "我准备了安眠药", "吃了一瓶药", "绳子准备好了", "我想跳下去", "卧轨", "烧炭", "割脉",
        "从楼顶跳下去", "我存了好多药",
        "我不想存在了", "消失算了", "想永远睡下去", "睡着了就不要再醒",
        "活着有什么意思", "活着没意义", "活下去还有什么意义", "为什么还要活着",
        "永别了", "我写好了遗书", "帮我跟家人说声对不起",
        "对不起爸妈，我先走了", "我先走一步了", "炭已经准备好了", "今天买了炭",
        "我又划伤自己了", "我想伤害自己",
    ],
    "zh_hant": [
        "我想自殺",
        "我不想活了，活著沒意思",
        "我真的活不下去",
        "想輕生",
        "想要結束自己的生命",
        "我想跳樓",
        "死一死算了",
        "我是累贅",
        "沒有活下去的理由",
        "生無可戀", "食安眠藥", "燒炭", "活著有什麼意思", "永別了",
    ],
    "yue": [
        "我唔想生存",
        "我真係想死咗佢",
        "唔想再活",
        "冇意思再活落去",
        "我想跳樓",
        "我想燒炭",
        "我撐唔落去",
        "做人好攰，唔想做人",
        "我係個累贅",
        "死咗就唔使還",
        "想𠝹手",
        "死咗佢算", "做人冇意思", "我唔想醒", "跳落去", "唔想再存在", "點解仲要活",
        "啲安眠藥我今晚一次過食晒", "我已經準備咗藥",
    ],
    "mixed": [
        "我好想 die",
        "真係想die咗佢",
        "I 想自杀",
        "我想 kill myself",
        "唔想 live 了",
        "life 冇意思",
        "i want to 死",
        "欠太多钱 I want to end my life",
        "我 feel 好 suicidal",
    ],
}

NOT_CRISIS = [
    # hardship and debt talk
    "this debt is killing me",
    "the interest is killing me",
    "what's the deadline for the payment",
    "my phone has a dead battery",
    "please kill the card",
    "my card is dead",
    "I'd like a refund",
    "delete my account",
    "I can't pay this month",
    "can I split my payment into instalments",
    "this loan is financial suicide",
    # Chinese hyperbole and everyday phrases
    "手机死机了",
    "死活不给我退款",
    "笑死",
    "笑死我了",
    "累死了",
    "烦死了",
    "急死了",
    "气死我了",
    "我想死你了",
    "跳楼价",
    "我不想活动",
    "还款日是哪天",
    "我想分期还款",
    "我要退款",
    "注销账户",
    "手機死機咗",
    "攰死我",
    "我想diet",
    "what's the point of this fee",
    "I see no future payments in the app",
    "买了炭烧烤",
    "这个错误伤害了自己的信用",
    "刷卡划了自己的钱",
    "bought charcoal for the bbq",
    "the late fee disappeared for good?",
    "I have had enough of these reminders",
    "醫生開咗藥，我食晒先", "今晚食晒啲餸",
    # death words and wallet talk
    "what's the deadline", "the card died on me", "my phone died during the call",
    "what's the point of paying if the fee keeps growing", "what's the point of this fee",
    "is there any point in paying early", "I'd rather pay now", "I'd rather pay by card",
    "I did not wake up in time for the call", "this account does not exist",
    "I wish this debt did not exist",
    # a means word in a purchase
    "can I get a refund for the pills I bought", "I was charged twice for the tablets",
    "train ticket refund", "I ordered a rope from your shop and it never arrived",
    "the rope I bought is too short, refund please", "my medication is ready for pickup",
    "安眠药退款", "我买的绳子退货", "火车票退款", "药店买药的扣款不对",
    "死期存款到期了", "我想跟这笔债做个了断", "我想了断这笔账",
    "生活有希望了", "活着有意义", "跳绳", "笑死我了，死活不给",
]

NEGATED = [
    "I'm not suicidal",
    "im not suicidal, just broke",
    "I am not going to kill myself",
    "I would never kill myself",
    "I don't want to die",
    "no suicidal thoughts",
    "I have never thought of suicide",
    "我没有想死",
    "我不想死",
    "我没想过自杀",
    "我从来没有想过要自杀",
    "我不会自杀的，放心",
    "我沒有想自殺",
    "我唔會自殺",
    "我冇諗過死咗佢",
    "I'm not 想死",
]


@pytest.mark.parametrize(("language", "text"), [(language, text) for language, texts in CRISIS.items()
                                                  for text in texts])
def test_crisis_in_every_language_is_found(language, text):
    assert crisis_phrase(text) is not None, f"{language}: {text}"


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_hyperbole_and_wallet_talk_are_not_crisis(text):
    assert crisis_phrase(text) is None


@pytest.mark.parametrize("text", NEGATED)
def test_a_plainly_negated_phrase_is_not_crisis(text):
    assert crisis_phrase(text) is None


def test_a_negation_covers_only_its_own_phrase():
    assert crisis_phrase("我不想死，但是活不下去了") == "活不下去"
    assert crisis_phrase("I'm not okay, I want to die") is not None
    assert crisis_phrase("i don't want to live") is not None  # the negation is the phrase


def test_the_match_is_the_phrase_as_written_in_the_lexicon():
    assert crisis_phrase("I'm going to KILL MYSELF!!!") == "kill myself"
    assert crisis_phrase("我真係唔想再活落去") == "唔想再活落去"


def test_normalisation():
    assert normalised("I DON'T wanna  live ANY MORE!!!") == "i do not want to live anymore"
    assert normalised("我 不想 活了。。。") == "我不想活了"
    assert normalised("活著沒意思") == "活着没意思"
    assert normalised("想 die 啊") == "想die啊"


def test_every_phrase_is_listed_once_and_matches_itself():
    document = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
    phrases = [phrase for section in ("phrases", "means") for texts in document[section].values()
               for phrase in texts]
    assert all(isinstance(phrase, str) for phrase in phrases)
    patterns = [_pattern(phrase) for phrase in phrases]
    assert len(set(patterns)) == len(patterns)
    for wording in [wording for phrase in phrases if "*" not in phrase for wording in variants(phrase)]:
        assert crisis_phrase(wording) is not None, wording


def test_a_phrase_has_choices():
    assert variants("wish i (was|were) dead") == ["wish i was dead", "wish i were dead"]
    assert variants("(just|) die (now|)") == ["just die now", "just die ", " die now", " die "]
    assert crisis_phrase("i wish i was not dead") is None  # a gap holds no negation


def classifier(tmp_path) -> CrisisClassifier:
    return CrisisClassifier.create(CrisisClassifier.get_default_config(), LocalModelStorage(tmp_path),
                                   Resource("crisis"), ExecutionContext(None, "test"))


def parsed(text: str) -> Message:
    """A message as FallbackClassifier leaves it: the model was unsure."""
    ranking = [{"name": "nlu_fallback", "confidence": 1.0}, {"name": "ask_balance", "confidence": 0.31},
               {"name": "distress", "confidence": 0.22}]
    return Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking})


def test_the_component_puts_distress_on_top_and_says_why(tmp_path):
    [message] = classifier(tmp_path).process([parsed("欠太多了，我真的不想活了")])
    assert message.get("intent") == {"name": "distress", "confidence": 1.0}
    assert [ranked["name"] for ranked in message.get("intent_ranking")] == \
        ["distress", "nlu_fallback", "ask_balance"]
    assert message.get(CRISIS_MATCH) == "不想活"
    assert message.as_dict(only_output_properties=True)["intent"]["name"] == "distress"
    assert message.as_dict(only_output_properties=True)[CRISIS_MATCH] == "不想活"


def test_the_component_leaves_other_messages_alone(tmp_path):
    messages = [parsed("this debt is killing me"), parsed("I'm not suicidal"), Message(data={"text": ""})]
    before = [dict(message.data) for message in messages]
    classifier(tmp_path).process(messages)
    assert [message.data for message in messages] == before
    assert all(message.get(CRISIS_MATCH) is None for message in messages)
