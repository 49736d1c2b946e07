"""Who borrows what: a borrower's name, language, zone and currency and how they pay; their
loans' principal, start, bills and late fees."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from bot.demo.formatting import traditional
from bot.demo.proportions import (
    BEHAVIOUR_WEIGHTS,
    BEHAVIOURS,
    CHINESE_SHARE,
    CURRENCY_OF_ZONE,
    CURRENCY_SCALE,
    LATE_FEE_RATE,
    OPT_OUT_SHARE,
    PRINCIPAL_CNY,
    STARTED_BEFORE_SHARE,
    TRADITIONAL_SHARE,
    TRADITIONAL_ZONES,
    ZONE_WEIGHTS,
    ZONES,
)
from bot.demo.rows import BORROWER_PREFIX
from bot.demo.world import UTC, World
from bot.language import HANT
from bot.money import quantize, quantum


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    language: str  # zh | en
    timezone: str
    currency: str
    script: str  # en | hans | hant: how they write, once they do
    behaviour: str  # BEHAVIOURS
    opts_out: bool


ZH_SURNAMES = ("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 "
               "郭 何 林 高 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹").split()
ZH_GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 浩然 宇轩 欣怡 子涵 雨桐 "
            "俊杰 嘉怡 志明 美玲 建华 晓燕 文博 佳慧 国强 海燕 思远").split()
EN_FIRST = ("Alice Ben Chloe Daniel Emily Felix Grace Henry Isabel Jack Karen Leo Maya Nathan Olivia Peter "
            "Rachel Samuel Tina Victor Wendy Ryan Priya Arjun Sofia Marcus Hannah Kevin Jasmine "
            "Ethan").split()
EN_LAST = ("Tan Lim Lee Ng Wong Chan Smith Johnson Brown Garcia Miller Davis Wilson Taylor Nair Kumar Santos "
           "Cruz Reyes Baker Clark Lewis Walker Hall Young King Wright Scott Green Adams").split()


def draw_profile(rng: random.Random, number: int) -> Profile:
    language = "zh" if rng.random() < CHINESE_SHARE else "en"
    timezone_name = rng.choices(ZONES, ZONE_WEIGHTS[language])[0]
    script = _script(rng, language, timezone_name)
    return Profile(
        id=f"{BORROWER_PREFIX}{number:06d}", name=_name(rng, language, script), language=language,
        timezone=timezone_name, currency=CURRENCY_OF_ZONE[timezone_name], script=script,
        behaviour=rng.choices(BEHAVIOURS, BEHAVIOUR_WEIGHTS)[0], opts_out=rng.random() < OPT_OUT_SHARE)


def _script(rng: random.Random, language: str, timezone_name: str) -> str:
    if language == "en":
        return "en"
    return HANT if timezone_name in TRADITIONAL_ZONES and rng.random() < TRADITIONAL_SHARE else "hans"


def _name(rng: random.Random, language: str, script: str) -> str:
    if language == "en":
        return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"
    name = rng.choice(ZH_SURNAMES) + rng.choice(ZH_GIVEN)
    return traditional(name) if script == HANT else name


def draw_principal(rng: random.Random, currency: str) -> Decimal:
    """Log-uniform: many small loans, some large ones."""
    low, high = PRINCIPAL_CNY
    cny = math.exp(rng.uniform(math.log(low), math.log(high)))
    scale, step = CURRENCY_SCALE[currency]
    return quantize(max(Decimal(step), (Decimal(cny) * scale / step).to_integral_value() * step), currency)


def draw_start(rng: random.Random, world: World) -> date:
    """Most loans are lent during the history (by yesterday), some up to a year before it."""
    yesterday = world.now.astimezone(UTC).date() - timedelta(days=1)
    if rng.random() < STARTED_BEFORE_SHARE:
        return world.first_day - timedelta(days=rng.randint(1, 365))
    return min(yesterday, world.first_day + timedelta(days=rng.randint(0, max(0, world.days - 2))))


def split_principal(principal: Decimal, count: int, currency: str) -> list[Decimal]:
    """Equal shares to the minor unit; the last takes the remainder, so they add up exactly."""
    share = (principal / count).quantize(quantum(currency), rounding=ROUND_DOWN)
    return [share] * (count - 1) + [principal - share * (count - 1)]


def late_fee_of(principal: Decimal, interest: Decimal, currency: str) -> Decimal:
    return quantize((principal + interest) * LATE_FEE_RATE, currency)


def lateness(rng: random.Random, behaviour: str) -> int:
    """Days after its due date a borrower of this behaviour pays a bill."""
    if behaviour == "late":
        return int(rng.triangular(1, 30, 3))
    if behaviour == "very_late":
        return rng.randint(31, 90)
    return 0  # on time (a stopper too, until they stop)
