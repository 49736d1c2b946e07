"""What borrowers and agents write in the demo's chats: a borrower's lines by what they mean (in
Simplified Chinese; Chat converts them for one who writes Traditional), an agent's opening by
the handoff's reason, and an agent's word on an arrangement they made."""
from __future__ import annotations

import random
from collections.abc import Mapping

LINES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "ask_balance": {"en": ("How much do I owe?", "What's my balance now?", "how much is left to pay",
                           "Can you tell me what I owe on my loan?"),
                    "zh": ("我现在欠多少钱？", "还要还多少？", "帮我查一下欠款", "我的借款还剩多少没还？")},
    "claim_paid": {"en": ("I already paid this", "I paid yesterday, can you check?", "Paid it this morning"),
                   "zh": ("我已经还了", "昨天已经还款了，帮我查一下", "今天早上已经还了")},
    "thank": {"en": ("OK thanks", "Thanks, I'll pay on payday", "Got it, thank you"),
              "zh": ("好的，谢谢", "知道了，发工资就还", "收到，谢谢提醒")},
    "request_deferral": {"en": ("Can I pay later?", "I need a few more weeks",
                                "Can I pay at the end of the month?"),
                         "zh": ("能晚点还吗？", "可以宽限几周吗", "能不能月底再还？")},
    "request_instalment": {"en": ("Can I split it into instalments?", "Can I pay it monthly?",
                                  "I can't pay it all at once"),
                           "zh": ("可以分期还吗？", "能不能按月分期", "我没办法一次还清")},
    "promise_to_pay": {"en": ("I'll pay on Friday", "I can pay next week",
                              "I'll pay when my salary comes in"),
                       "zh": ("我周五还", "下周可以还", "等工资到了我就还")},
    "request_human": {"en": ("I want to talk to a person", "Can I speak to someone?", "real person please"),
                      "zh": ("我要转人工", "可以找个真人吗", "人工客服")},
    "hardship": {"en": ("I lost my job last month", "I'm in hospital and can't work right now",
                        "Business is really bad, I can't pay"),
                 "zh": ("我上个月失业了", "我住院了，暂时没法工作", "生意很差，实在还不上")},
    "complaint": {"en": ("Your messages are too frequent, I want to complain", "This is terrible service"),
                  "zh": ("你们的提醒太频繁了，我要投诉", "服务太差了，我要投诉")},
    "dispute_debt": {"en": ("I never took this loan", "This amount is wrong, I dispute it",
                            "That's not my debt"),
                     "zh": ("我从来没借过这笔钱", "金额不对，我有异议", "这不是我的欠款")},
    "legal_matter": {"en": ("My lawyer will contact you", "I've filed for bankruptcy"),
                     "zh": ("我的律师会联系你们", "我已经申请破产了")},
    "distress": {"en": ("I can't take this anymore", "everything feels hopeless"),
                 "zh": ("我真的撑不下去了", "一切都没有希望了")},
    "stop_contact": {"en": ("STOP", "Stop messaging me"), "zh": ("停止", "别再给我发消息了")},
    "refuse_to_pay": {"en": ("I'm not paying", "I won't pay this"), "zh": ("我不还", "这钱我不会还的")},
    "gibberish": {"en": ("???", "hmm the thing"), "zh": ("？？？", "那个东西呢")},
}

AGENT_OPENING = {"en": "Hi {name}, this is {agent} from the repayments team. {line}",
                 "zh": "{name}您好，我是还款团队的{agent}。{line}"}
AGENT_LINES = {
    "en": {"hardship": "I'm sorry things are hard at the moment. Let's find a way to pay that fits you.",
           "dispute": "Thank you for telling us. Collection is on hold while I check the loan's records.",
           "complaint": "I'm sorry about your experience. I've logged your complaint and will follow it up.",
           "distress": "Please don't worry about the loan right now. Is there someone you can be with today?",
           "stop_contact": "We won't send you reminders any more. You can write to us here whenever "
                           "you like.",
           "legal": "I've noted this and passed it to our specialist team.",
           "": "I've read your messages and I'm here to help. What would work best for you?"},
    "zh": {"hardship": "很抱歉您现在遇到困难，我们一起看看适合您的还款方式。",
           "dispute": "谢谢告知。核实期间暂停催收，我会查看这笔借款的记录。",
           "complaint": "很抱歉给您带来不好的体验，您的投诉我已记录，会跟进处理。",
           "distress": "借款的事先不用担心。今天身边有人可以陪着您吗？",
           "stop_contact": "我们不会再给您发提醒了。您随时可以在这里联系我们。",
           "legal": "已记录，我会转给专门的同事跟进。",
           "": "我已经看到您的留言，我来帮您。您看怎样安排比较方便？"},
}
AGENT_ARRANGED = {"en": "I've set this up for you: {terms}.",
                  "zh": "已为您办理好{kind}，详情可以在App里查看。"}
KIND_NAMES_ZH = {"deferral": "延期还款", "instalment_plan": "分期还款", "promise_to_pay": "还款承诺"}


def borrower_line(rng: random.Random, intent: str, language: str) -> str:
    """In Simplified for a Chinese writer (Chat converts for one who writes Traditional)."""
    return rng.choice(LINES.get(intent, LINES["thank"])[language])


def agent_line(reason: str, language: str, name: str, agent: str) -> str:
    """An agent's first message: who they are, and a line for the reason of the handoff."""
    lines = AGENT_LINES[language]
    return AGENT_OPENING[language].format(name=name, agent=agent, line=lines.get(reason, lines[""]))
