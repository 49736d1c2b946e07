"""An outreach contact's words, as bot/outreach/templates.py's `render` gives them, worked out
once per wording for every borrower (World.wordings): rendered with markers standing for the
name, the loan and the values, which are then put in. `render` fills those in last, after any
script conversion, so the words are the same; the loan is in the buttons' payloads too."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.demo.formatting import preformatted
from bot.demo.world import World
from bot.outreach.facts import LoanFacts
from bot.outreach.segments import Segment
from bot.outreach.strategy import Variant
from bot.outreach.templates import Rendered, render


def worded(world: World, variant: Variant, facts: LoanFacts, segment: Segment, values: Mapping[str, Any],
           first: bool) -> Rendered:
    """`render`'s words for this borrower and loan."""
    template = wording(world, variant, facts, segment, values, first)
    filled = {"name": facts.name, "loan": facts.loan_id,
              **preformatted(values, facts.currency, facts.reply_language)}
    text = template.text
    for name, value in filled.items():
        text = text.replace(marker(name), str(value))
    buttons = [{"title": b["title"], "payload": b["payload"].replace(marker("loan"), facts.loan_id)}
               for b in template.buttons]
    return Rendered(text, buttons, template.discloses)


def wording(world: World, variant: Variant, facts: LoanFacts, segment: Segment, values: Mapping[str, Any],
            first: bool) -> Rendered:
    """The words with markers, rendered the first time any borrower needs them."""
    key = (variant, segment.first_offer, first, facts.reply_language, facts.traditional, tuple(values))
    wordings = world.wordings
    if key not in wordings:
        anyone = replace(facts, name=marker("name"), balance=replace(facts.balance, loan_id=marker("loan")))
        wordings[key] = render(world.strategy, variant, facts=anyone, segment=segment,
                               values={name: marker(name) for name in values}, first=first)
    return wordings[key]


def marker(name: str) -> str:
    """Stands for a value in a wording: characters no text or value has (Unicode private use)."""
    return f"\ue000{name}\ue001"
