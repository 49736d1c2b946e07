"""The intents a reviewed message may be settled as: those of domain.yml a borrower writes
(not the EXTERNAL_ ones the gateway triggers), out_of_scope included; and what a trainer calls
each, in English and Chinese (the trainers' page shows them: CONTRACT §1 says what they mean).

utter_did_you_mean's button titles are no such names: they are the borrower's own words ("What
do I owe?") and only for the intents the bot may offer.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.replies.render import DOMAIN_FILE
from bot.understanding import FALLBACK, OUT_OF_SCOPE

# What the model may predict beyond those: its low-confidence fallback.
PREDICTABLE_EXTRA = (FALLBACK,)

# intent → (English, 中文); tests/training/test_intent_names.py keeps it in step with domain.yml.
NAMES: dict[str, tuple[str, str]] = {
    "greet": ("Greeting", "问候"),
    "goodbye": ("Goodbye", "告别"),
    "thank": ("Thanks", "致谢"),
    "affirm": ("Yes, agrees", "肯定、同意"),
    "deny": ("No, refuses", "否定、不同意"),
    "bot_challenge": ("Asks if it is a bot", "询问是否机器人"),
    "ask_balance": ("Asks what is owed", "询问欠款金额"),
    "explain_charges": ("Asks about charges", "询问费用、利息"),
    "ask_due_date": ("Asks the due date", "询问还款日期"),
    "ask_payment_methods": ("Asks how to pay", "询问还款方式"),
    "request_deferral": ("Asks to pay later", "申请延期还款"),
    "request_instalment": ("Asks for instalments", "申请分期还款"),
    "inform": ("Gives a value (amount, date…)", "提供信息（金额、日期等）"),
    "promise_to_pay": ("Promises to pay", "承诺还款"),
    "claim_paid": ("Says it is paid", "声称已还款"),
    "dispute_debt": ("Disputes the debt", "对欠款有异议"),
    "hardship": ("Hardship: cannot pay", "经济困难，无力还款"),
    "distress": ("Distress, crisis", "情绪危机"),
    "request_human": ("Asks for a person", "要求转人工"),
    "complaint": ("Complaint", "投诉"),
    "stop_contact": ("Stop contacting me", "要求停止联系"),
    "legal_matter": ("Legal matter", "法律事务"),
    "ask_identity": ("Asks who is writing", "询问对方身份"),
    "refuse_to_pay": ("Refuses to pay", "拒绝还款"),
    OUT_OF_SCOPE: ("Out of scope", "超出范围"),
    FALLBACK: ("No guess (fallback)", "无法判断（兜底）"),
}


@cache
def trainable_intents(path: Path = DOMAIN_FILE) -> tuple[str, ...]:
    """In domain.yml's order, read once per process."""
    domain = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = [item if isinstance(item, str) else next(iter(item)) for item in domain.get("intents") or ()]
    written = [name for name in names if not name.startswith("EXTERNAL_")]
    return tuple(written) if OUT_OF_SCOPE in written else (*written, OUT_OF_SCOPE)


def named_intents() -> list[dict[str, object]]:
    """Every intent an item may be predicted as, with its names; `relabel`: one it may be
    settled as (not the fallback). An intent without a name here shows as itself."""
    trainable, named = trainable_intents(), []
    for intent in (*trainable, *PREDICTABLE_EXTRA):
        english, chinese = NAMES.get(intent, (intent, intent))
        named.append({"intent": intent, "en": english, "zh": chinese, "relabel": intent in trainable})
    return named
