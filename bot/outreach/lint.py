"""Banned phrasing in the bot's own messages, English and Chinese (Traditional read as
Simplified): every outreach template passes this when the strategy loads (the bot will not
start with one that does not) and in the tests.

The lists are data (BANNED): a new phrase is one more pattern, not more code. English
patterns match whole words, ignoring case; Chinese ones anywhere, after OpenCC's
Traditional-to-Simplified (so 後果自負 is 后果自负). Both are regular expressions. A pattern
errs broad: a kind sentence caught is rephrased once, a threat let through reaches borrowers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.language import to_simplified
from bot.outreach.errors import StrategyError

BANNED: dict[str, dict[str, tuple[str, ...]]] = {
    # Threats of harm, visits or unnamed "consequences": harassment under every collection rule.
    "threat": {
        "en": (r"come to your (home|house|office|work(place)?)", r"visit (you|your home|your office)",
               r"you(['’]| wi)ll regret", r"or else", r"consequences?", r"we know where you live",
               r"last warning", r"final warning"),
        # OpenCC keeps the Traditional 著 in 走著瞧; 不客气 alone is "you're welcome".
        "zh": ("上门", "后果自负", "后果严重", "走[着著]瞧", "别怪我们不客气", "对你不客气", "不客气了",
               "最后通牒"),
    },
    # Legal steps the bot cannot promise and a debt does not bring: arrest, police, prison, a court.
    "false_legal": {
        "en": (r"arrest(ed)?", r"police", r"jail(ed)?", r"prison", r"criminal(ly)?", r"su(e|ed|ing)",
               r"lawsuits?", r"legal action", r"courts?", r"warrant"),
        "zh": ("报警", "警察", "公安", "坐牢", "起诉", "法院", "立案", "拘留", "刑事", "判刑", "律师函"),
    },
    # Only the borrower is ever told of the debt: never family, employers, friends, contacts.
    "third_party": {
        "en": (r"your (family|parents|mother|father|wife|husband|spouse|children|relatives|friends|"
               r"employer|boss|colleagues?|co-?workers?|manager|contacts|references)",
               r"emergency contacts?"),
        "zh": ("家人", "家属", "亲友", "亲戚", "父母", "朋友们", "单位", "领导", "同事", "老板", "通讯录",
               "紧急联[系络]人"),
    },
    # Public shaming: a debt is private.
    "shaming": {
        "en": (r"publish(ed|ing)?", r"publicly", r"make (it|this) public", r"social media",
               r"blacklist(ed)?", r"expos(e|ed|ing)", r"shame"),
        "zh": ("曝光", "公示", "黑名单", "朋友圈", "示众", "丢人"),
    },
    # Pushing a borrower into more debt to pay this one.
    "borrow_elsewhere": {
        "en": (r"borrow (money )?from", r"take (out )?(another|a new) loan", r"credit card to pay",
               r"another lender"),
        # Not 借款还: 您的借款还有3天 is "your loan has 3 days left".
        "zh": ("借钱还", "以贷养贷", "套现", "找朋友借", "用信用卡还", "刷信用卡还"),
    },
    # Insults: respect, whatever is owed.
    "abuse": {
        "en": (r"deadbeat", r"liars?", r"cheat(er|ers)?", r"scum", r"thie(f|ves)"),
        "zh": ("老赖", "骗子", "无赖", "赖账", "不要脸"),
    },
}


@dataclass(frozen=True)
class Finding:
    category: str  # of BANNED
    phrase: str  # as written (Traditional stays Traditional)


def findings(text: str) -> list[Finding]:
    """Every banned phrase in `text`, in the order they are written; empty when it is clean."""
    simplified = to_simplified(text)
    # Where OpenCC kept the length (character for character), a span is also the writer's text.
    written = text if len(simplified) == len(text) else simplified
    found: list[tuple[int, Finding]] = []
    for category, (english, chinese) in _patterns().items():
        found += [(m.start(), Finding(category, m.group(0))) for m in english.finditer(text)]
        found += [(m.start(), Finding(category, written[m.start():m.end()]))
                  for m in chinese.finditer(simplified)]
    return [finding for _, finding in sorted(found, key=lambda at: at[0])]


def check_template(text: str, where: str) -> None:
    found = findings(text)
    if found:
        first = found[0]
        raise StrategyError(f"{where}: banned phrasing ({first.category}): '{first.phrase}' — "
                            "messages stay kind and factual: no threats, no legal consequences "
                            "that are not real, no third parties, no shaming, no pressure to borrow, "
                            "no insults")


@cache
def _patterns() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    return {category: (re.compile(r"\b(" + "|".join(words["en"]) + r")\b", re.IGNORECASE),
                       re.compile("|".join(words["zh"])))
            for category, words in BANNED.items()}
