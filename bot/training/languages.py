"""The language of a message in the inbox, which is also the training file it goes into:
en → data/nlu/en.yml, zh_hans → zh_hans.yml, zh_hant → zh_hant.yml, mixed (Chinese with English
words, "hi 你好", "ok谢谢") → mixed.yml."""
from __future__ import annotations

import re

from bot.language import EN, HAN, HANS, HANT, ZH, detect_script

ZH_HANS, ZH_HANT, MIXED = "zh_hans", "zh_hant", "mixed"
LANGUAGES = (EN, ZH_HANS, ZH_HANT, MIXED)
FILES = {language: f"{language}.yml" for language in LANGUAGES}
OF_SCRIPT = {EN: EN, HANS: ZH_HANS, HANT: ZH_HANT}
# A word, not a letter: "3Q啦" is Chinese, "ok谢谢" is mixed.
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def language_of(text: str, script: str | None = None) -> str:
    """The message's language; `script` (the conversation's, bot/language.py's en | hans |
    hant) decides for what the text leaves open: Chinese written the same in both scripts
    (你好), or no words at all (digits, emoji)."""
    if HAN.search(text) and LATIN_WORD.search(text):
        return MIXED
    detected = detect_script(text)
    if detected in OF_SCRIPT:
        return OF_SCRIPT[detected]
    if detected == ZH:
        return ZH_HANT if script == HANT else ZH_HANS
    return OF_SCRIPT.get(script or "", EN)
