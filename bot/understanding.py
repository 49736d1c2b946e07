"""What the bot does with a message it could not place: ask which of the likeliest intents was
meant, ask to rephrase, or hand over.

When the model is unsure (nlu_fallback: its best guess below the FallbackClassifier's
threshold, or the two best too close), the bot first asks "Did you mean …?" with the two or
three likeliest intents as buttons, and "something else" (a tap that sends nlu_fallback).
That question is not a failure. A failure is a message the bot answers with "please rephrase"
or "I can't help with that": one it had no guess for, out of scope, or not understood right
after a "did you mean" (including "something else"). A message not understood after a
failure goes to a person. Any message understood starts the count again.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.replies.buttons import payload
from bot.replies.render import Rendered, Responses
from bot.replies.reply import Reply

FALLBACK, OUT_OF_SCOPE = "nlu_fallback", "out_of_scope"
NOT_UNDERSTOOD = frozenset({FALLBACK, OUT_OF_SCOPE})

# The likeliest intents offered: at most three, each at least this confident and at least a
# third as confident as the likeliest of them (a long tail of guesses helps nobody).
MOST_OFFERED = 3
LEAST_CONFIDENCE = 0.1
LEAST_SHARE_OF_BEST = 1 / 3

ASK, REPHRASE, CANNOT_HELP, HAND_OVER = "ask", "rephrase", "cannot_help", "hand_over"


@dataclass(frozen=True)
class Heard:
    """One of the borrower's messages: its intent and the model's ranking of the others."""

    intent: str | None
    ranking: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, parse_data: Mapping[str, Any]) -> Heard:
        ranking = tuple((item["name"], float(item.get("confidence") or 0))
                        for item in parse_data.get("intent_ranking") or () if item.get("name"))
        return cls((parse_data.get("intent") or {}).get("name"), ranking)


@dataclass(frozen=True)
class Outcome:
    what: str  # ask | rephrase | cannot_help | hand_over
    intents: tuple[str, ...] = ()  # for ask: the intents offered, likeliest first


def likeliest(heard: Heard, offerable: Iterable[str]) -> tuple[str, ...]:
    """The intents worth offering for an unsure message, likeliest first."""
    if heard.intent != FALLBACK:
        return ()  # out of scope is a confident answer, not a doubt
    allowed = set(offerable) - NOT_UNDERSTOOD
    guesses = [(name, confidence) for name, confidence in heard.ranking
               if name in allowed and confidence >= LEAST_CONFIDENCE]
    if not guesses:
        return ()
    best = guesses[0][1]
    return tuple(name for name, confidence in guesses[:MOST_OFFERED]
                 if confidence >= best * LEAST_SHARE_OF_BEST)


def outcome(session: Sequence[Heard], offerable: Iterable[str]) -> Outcome:
    """What to do with the latest message (the last of `session`), which was not understood,
    given the session's messages before it."""
    offerable = tuple(offerable)
    before = None  # what the bot did with the previous message: None (understood), ASK or a failure
    result = Outcome(REPHRASE)
    for heard in session:
        if heard.intent not in NOT_UNDERSTOOD:
            before = None
            continue
        result = _next(heard, before, offerable)
        before = result.what
    return result


def _next(heard: Heard, before: str | None, offerable: tuple[str, ...]) -> Outcome:
    if before in (REPHRASE, CANNOT_HELP, HAND_OVER):
        return Outcome(HAND_OVER)
    failure = Outcome(CANNOT_HELP if heard.intent == OUT_OF_SCOPE else REPHRASE)
    if before == ASK:
        return failure
    intents = likeliest(heard, offerable)
    return Outcome(ASK, intents) if intents else failure


# --- the question, in the borrower's language ------------------------------------------------

DID_YOU_MEAN = "utter_did_you_mean"  # lists every intent that may be offered, with its title
SOMETHING_ELSE = payload(FALLBACK)  # its last button: none of these


def offerable(responses: Responses) -> tuple[str, ...]:
    """The intents that have a button title: those utter_did_you_mean lists."""
    return tuple(button["payload"].removeprefix("/")
                 for button in responses.render(Reply(DID_YOU_MEAN), "en").buttons
                 if button["payload"] != SOMETHING_ELSE)


def did_you_mean(responses: Responses, intents: Sequence[str], language: str) -> Rendered:
    """"Did you mean: pay later · split into instalments · something else?" with the titles
    written once, in domain.yml, in both languages."""
    text, every = responses.render(Reply(DID_YOU_MEAN), language)
    by_payload = {button["payload"]: button for button in every}
    return Rendered(text, [by_payload[payload(intent)] for intent in intents] + [by_payload[SOMETHING_ELSE]])
