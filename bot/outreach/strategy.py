"""The outreach strategy: outreach.yml, validated whole when the bot starts.

Who writes (`lender`), when (`plans` of `stages` by days from the due date, arrangement
`events`, `catch_up_days`), within which rules (`markets`, `market_of`), to whom how
(`segments`), and in which words (`stages`, `events`, `offers`, `buttons`, `disclosure`,
`opt_out`: each text in English and Chinese, linted). Every error names its key
(`outreach.yml: stages.D+7.variants.challenger.weight: ...`); unknown keys are refused.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.outreach import compliance
from bot.outreach.compliance import MarketRules
from bot.outreach.errors import StrategyError
from bot.outreach.strategy_messages import (
    EVENT_FIELDS,
    NAME,
    STAGE_FIELDS,
    Message,
    Stage,
    Text,
    Variant,
    parse_message,
    parse_plans,
    parse_stages,
    parse_text,
    parse_words,
)
from bot.outreach.strategy_segments import SegmentRules, parse_segments
from bot.outreach.strategy_values import (
    LANGUAGES,
    at,
    currency,
    keys,
    mapping,
    one_of,
    read_yaml,
    whole,
    word,
)

__all__ = ["DEFAULT_PATH", "EVENTS", "OFFERS", "Message", "OfferButton", "Stage", "Strategy",
           "StrategyError", "Text", "Variant", "load_strategy", "parse_strategy"]

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "outreach.yml"
SECTIONS = ("lender", "catch_up_days", "markets", "market_of", "segments", "plans", "stages",
            "events", "offers", "buttons", "disclosure", "opt_out")
OFFERS = ("pay_now", "pay_later", "instalments", "person")  # the buttons' order after the first
EVENTS = ("due_in_2_days", "due_today", "missed", "broken")  # of the borrower's own arrangement
DEFAULT_MARKET = "default"  # applies to every loan (compliance.parse_markets requires it)



@dataclass(frozen=True)
class OfferButton:
    intent: str  # what a tap sends (domain.yml)
    title: Text


@dataclass(frozen=True)
class MarketOf:
    """A loan's markets: its currency's and its borrower's time zone's."""

    currencies: Mapping[str, str]
    timezones: Mapping[str, str]

    def markets(self, currency: str, timezone: str) -> tuple[str, ...]:
        found = {self.currencies.get(currency.upper()), self.timezones.get(timezone)}
        return tuple(sorted(market for market in found if market is not None))


@dataclass(frozen=True)
class Strategy:
    lender: Text
    catch_up_days: int  # a stage missed on its day may still go out this many days later
    markets: Mapping[str, MarketRules]  # by market, `default` included
    market_of: MarketOf
    segments: SegmentRules
    plans: Mapping[str, tuple[Stage, ...]]  # each plan's stages, by offset
    events: Mapping[str, Message]  # EVENTS
    offers: Mapping[str, Text]  # OFFERS: the line that leads with a segment's first offer
    buttons: Mapping[str, OfferButton]  # OFFERS
    disclosure: Text  # the first contact's opening line
    opt_out: Text  # every message's last line
    source: str = "outreach.yml"

    def rules_for(self, currency: str, timezone: str) -> MarketRules:
        """The stricter of every market the loan is in (each filled in from the default);
        the default's own for a loan in none."""
        names = self.market_of.markets(currency, timezone) or (DEFAULT_MARKET,)
        return compliance.stricter(self.markets[name] for name in names)


def load_strategy(path: str | Path | None = None) -> Strategy:
    """outreach.yml from `path`, else $BOT_OUTREACH_FILE, else the repository root; read once
    per process."""
    return _load(Path(path or os.environ.get("BOT_OUTREACH_FILE") or DEFAULT_PATH))


@cache
def _load(path: Path) -> Strategy:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise StrategyError(f"{path}: cannot read the outreach strategy: {error.strerror}") from None
    return parse_strategy(text, source=path.name)


def parse_strategy(raw: Any, source: str = "outreach.yml") -> Strategy:
    """The strategy from outreach.yml's text or its already-read document."""
    document = read_yaml(raw, source) if isinstance(raw, str) else raw
    given = keys(document, source, SECTIONS, required=SECTIONS)
    where = {section: at(source, section) for section in SECTIONS}
    markets = compliance.parse_markets(given["markets"], where=where["markets"])
    plans = parse_plans(given["plans"], where["plans"], parse_stages(given["stages"], where["stages"]))
    return Strategy(
        lender=parse_words(given["lender"], where["lender"]),
        catch_up_days=whole(given["catch_up_days"], where["catch_up_days"], 0, 30),
        markets=MappingProxyType(dict(markets)),
        market_of=_market_of(given["market_of"], where["market_of"], set(markets) - {DEFAULT_MARKET}),
        segments=parse_segments(given["segments"], where["segments"], plans=tuple(plans), offers=OFFERS),
        plans=MappingProxyType(plans),
        events=_events(given["events"], where["events"]),
        offers=MappingProxyType({name: parse_text(value, at(where["offers"], name), STAGE_FIELDS)
                                 for name, value in _by_offer(given["offers"], where["offers"]).items()}),
        buttons=MappingProxyType({name: _button(value, at(where["buttons"], name))
                                  for name, value in _by_offer(given["buttons"], where["buttons"]).items()}),
        disclosure=parse_text(given["disclosure"], where["disclosure"], STAGE_FIELDS),
        opt_out=parse_text(given["opt_out"], where["opt_out"], STAGE_FIELDS),
        source=source,
    )


def _events(raw: Any, where: str) -> Mapping[str, Message]:
    given = keys(raw, where, EVENTS, EVENTS)
    return MappingProxyType({name: parse_message(given[name], at(where, name), EVENT_FIELDS)
                             for name in EVENTS})


def _by_offer(raw: Any, where: str) -> dict[str, Any]:
    """Every offer's value, in OFFERS order (the buttons' order after the first offer)."""
    given = keys(raw, where, OFFERS, OFFERS)
    return {offer: given[offer] for offer in OFFERS}


def _button(raw: Any, where: str) -> OfferButton:
    given = keys(raw, where, ("intent", *LANGUAGES), ("intent", *LANGUAGES))
    intent = word(given["intent"], at(where, "intent"))
    if not NAME.fullmatch(intent):
        raise StrategyError(f"{at(where, 'intent')}: must be an intent of domain.yml, like request_human")
    return OfferButton(intent, parse_words({language: given[language] for language in LANGUAGES}, where))


def _market_of(raw: Any, where: str, markets: set[str]) -> MarketOf:
    given = keys(raw, where, ("currencies", "timezones"))
    currencies = mapping(given.get("currencies") or {}, at(where, "currencies"))
    timezones = mapping(given.get("timezones") or {}, at(where, "timezones"))
    for code in currencies:
        currency(code, at(at(where, "currencies"), code))
    for name in timezones:
        if not _is_zone(name):
            raise StrategyError(f"{at(at(where, 'timezones'), name)}: must be a time zone like Asia/Shanghai")
    allowed = sorted(markets)
    return MarketOf(
        MappingProxyType({code: one_of(market, at(at(where, "currencies"), code), allowed)
                          for code, market in currencies.items()}),
        MappingProxyType({name: one_of(market, at(at(where, "timezones"), name), allowed)
                          for name, market in timezones.items()}),
    )


def _is_zone(name: Any) -> bool:
    if not isinstance(name, str) or "/" not in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
