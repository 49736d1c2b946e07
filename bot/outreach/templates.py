"""One outreach message in the borrower's words: the disclosure on the first contact, the
variant's text, the line leading with the segment's first offer, the opt-out line; and the
four offers as buttons, the first offer first, each carrying the loan."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.language import to_traditional
from bot.outreach.facts import LoanFacts
from bot.outreach.segments import Segment
from bot.outreach.strategy import Strategy, Variant
from bot.replies.buttons import button, payload
from bot.replies.values import shown


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: list[dict[str, str]]  # [{"title", "payload"}]
    discloses: bool  # the text opens with the disclosure: this is the first contact


def render(strategy: Strategy, variant: Variant, *, facts: LoanFacts, segment: Segment,
           values: Mapping[str, Any], first: bool) -> Rendered:
    """`values` are typed (Decimal amounts, dates, counts) and shown in the borrower's language;
    name, loan and lender are filled in here."""
    language = facts.reply_language
    filled = {**shown(values, facts.currency, language), "name": facts.name, "loan": facts.loan_id,
              "lender": _script(strategy.lender.in_language(language), facts)}
    lines = [
        *([strategy.disclosure.in_language(language)] if first else []),
        variant.text(language),
        strategy.offers[segment.first_offer].in_language(language),
        strategy.opt_out.in_language(language),
    ]
    # Converted before filling in: the borrower's name and the loan stay as written.
    text = "\n".join(_script(line, facts).format(**filled) for line in lines)
    return Rendered(text, _buttons(strategy, facts, segment.first_offer, language), discloses=first)


def _buttons(strategy: Strategy, facts: LoanFacts, first_offer: str, language: str) -> list[dict[str, str]]:
    offers = [first_offer, *(offer for offer in strategy.buttons if offer != first_offer)]
    entities = {"loan_id": facts.loan_id}
    return [button(_script(strategy.buttons[offer].title.in_language(language), facts),
                   payload(strategy.buttons[offer].intent, entities))
            for offer in offers]


def _script(text: str, facts: LoanFacts) -> str:
    """Simplified as written, or Traditional for a borrower who writes it."""
    return to_traditional(text) if facts.traditional else text
