"""Answers that leave the date to the bot: "whenever", "any day", "as late as possible",
随便, 哪天都行, 越晚越好.

They name no value, so the entity layer finds nothing in them; asked "when?", the dialogue
reads them as "the latest you can give me" and proposes that date to confirm. Read in
Simplified, lower case, and with the apostrophes borrowers leave out or curl.
"""
from __future__ import annotations

import re

from bot.values.text import normalise

ENGLISH = (
    "whenever", "when ever", "any day", "anyday", "any time", "anytime", "any date",
    "as late as possible", "as late as you can", "latest possible", "the latest", "latest date",
    "doesn't matter", "doesnt matter", "don't mind", "dont mind", "up to you", "you choose",
    "you decide", "you pick", "whatever", "whichever", "no preference",
)
CHINESE = (
    "随便", "随意", "哪天都", "哪一天都", "什么时候都", "啥时候都", "几时都", "都行", "都可以", "都得",
    "越晚越好", "越迟越好", "尽量晚", "最晚", "最迟", "无所谓", "你定", "你们定", "你决定", "你来定",
    "听你的", "没所谓",
)
_ENGLISH = re.compile(r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ENGLISH) + r")\b")


def leaves_it_open(text: str) -> bool:
    """Whether the message leaves the choice of day to the bot."""
    plain = normalise(text).lower().replace("\u2019", "'")
    return bool(_ENGLISH.search(plain)) or any(phrase in plain for phrase in CHINESE)
