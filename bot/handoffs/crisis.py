"""Crisis lines by the borrower's market (their time zone), for distress messages.

Numbers are the public, free, 24-hour lines each market's health services point to.
"""
from __future__ import annotations

LINES = {
    "Asia/Shanghai": {"zh": "全国心理援助热线 400-161-9995",
                      "en": "the national psychological aid line 400-161-9995"},
    "Asia/Hong_Kong": {"zh": "撒玛利亚防止自杀会 2389 2222",
                       "en": "The Samaritan Befrienders Hong Kong, 2389 2222"},
    "Asia/Taipei": {"zh": "安心专线 1925", "en": "the Taiwan suicide prevention line 1925"},
    "Asia/Singapore": {"zh": "新加坡援人协会 SOS 1767", "en": "Samaritans of Singapore (SOS), 1767"},
    "Asia/Manila": {"zh": "菲律宾心理健康热线 1553", "en": "the NCMH crisis hotline, 1553"},
    "Europe/London": {"zh": "Samaritans 116 123", "en": "Samaritans, 116 123"},
}
AMERICAS = {"zh": "988 心理危机热线", "en": "the 988 Suicide & Crisis Lifeline (call or text 988)"}
ANYWHERE = {"zh": "当地的急救电话", "en": "your local emergency number"}


def crisis_line(timezone: str | None, language: str) -> str:
    lines = LINES.get(timezone or "") or (AMERICAS if (timezone or "").startswith("America/") else ANYWHERE)
    return lines["zh" if language == "zh" else "en"]
