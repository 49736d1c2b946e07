"""Messages the bot could not place (bot/understanding.py says what to do): "Did you mean …?"
with the likeliest intents when the model was unsure, else a request to rephrase; a message
not understood after such a failure goes to a person, rather than asking yet again. Each goes
to the trainers' review inbox (actions/review.py): unsure when asked about, else fallback."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions import review
from actions.context import ServiceUnavailable, in_transaction, language, said_this_session
from actions.handoff import paused, record_handoff
from bot.replies.render import domain_responses
from bot.training.recording import FALLBACK_REASON, UNSURE
from bot.understanding import ASK, CANNOT_HELP, HAND_OVER, Heard, did_you_mean, offerable, outcome

# CONTRACT §1: a low-confidence message (nlu_fallback) is treated like out_of_scope.
FAILURE_ANSWER = {CANNOT_HELP: "utter_out_of_scope"}  # else utter_please_rephrase


class ActionNotUnderstood(Action):
    def name(self) -> str:
        return "action_not_understood"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        responses = domain_responses()
        result = outcome([Heard.of(said) for said in said_this_session(tracker)], offerable(responses))
        reason = UNSURE if result.what == ASK else FALLBACK_REASON
        if result.what == HAND_OVER and await _handed_over(tracker, reason):
            dispatcher.utter_message(response="utter_handover_not_understood")
            return paused(tracker)
        await review.record(tracker, reason)  # where _handed_over recorded it already: a no-op
        if result.what == ASK:
            question = did_you_mean(responses, result.intents, language(tracker))
            dispatcher.utter_message(text=question.text, buttons=question.buttons)
            return []
        dispatcher.utter_message(response=FAILURE_ANSWER.get(result.what, "utter_please_rephrase"))
        return []


async def _handed_over(tracker: Tracker, reason: str) -> bool:
    def work(session: Session) -> bool:
        review.record_in(session, tracker, reason)  # first: the handoff's own record adds nothing
        return record_handoff(session, tracker, "not_understood") is not None

    try:
        return await in_transaction(work)
    except ServiceUnavailable:
        return False  # a handoff nobody will see must not silence the bot: ask again instead
