"""What a borrower writes, and the chat that follows: replies to contacts (a promise more often
to a challenger), chats they start unprompted, each answered as the bot answers it (domain.yml's
responses for the account, the hard cases, refusals, the negotiation form as the borrower taps
through it), or by a person when one has the chat or the borrower is flagged for one."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from bot import audit
from bot.arrangements.kinds import DEFERRAL, INSTALMENT_PLAN, PROMISE_TO_PAY, Kind, Situation
from bot.arrangements.negotiation_rules import (
    REFUSED_TO_PAY,
    Offer,
    needs_person,
    offer_replies,
    proposal_replies,
    question,
)
from bot.arrangements.review import NEGOTIATION_FAILED
from bot.demo.balances import account_of, balance_of, eligibility_of
from bot.demo.conversations import Chat
from bot.demo.phrases import LINES, borrower_line
from bot.demo.proportions import (
    CHALLENGER_PROMISE_BONUS,
    CHALLENGER_REPLY_BONUS,
    DECLINE_CHANCE,
    OWN_CHATS,
    PROMISE_CHANCE,
    REPLIES,
    REPLY_CHANCE,
    REPLY_MINUTES,
    SECOND_GIBBERISH_CHANCE,
    SECOND_REFUSAL_CHANCE,
    STOP_CHANCE,
)
from bot.demo.state import LoanState
from bot.handoffs.opening import HARD_CASES
from bot.ledger.payments import WalletPayment
from bot.outreach.planner import ARRANGEMENT, BROKEN, Planned
from bot.outreach.strategy import Variant
from bot.replies.account import balance_replies, claim_paid_replies
from bot.replies.reply import Reply

if TYPE_CHECKING:
    from bot.demo.history import BorrowerRun

ARRANGING = {kind.intent: kind for kind in (DEFERRAL, INSTALMENT_PLAN, PROMISE_TO_PAY)}


class BorrowerReplies:
    def __init__(self, run: BorrowerRun) -> None:
        self.run = run

    # --- when the borrower writes ----------------------------------------------------------------

    def schedule_own_chats(self) -> None:
        """Now and then a borrower opens the chat unprompted: what they owe, mostly."""
        run = self.run
        span = int((run.world.now - run.local(run.world.first_day, time())).total_seconds())
        weights = REPLIES["own"]
        for _ in range(run.rng.choices(range(len(OWN_CHATS)), OWN_CHATS)[0]):
            moment = run.local(run.world.first_day, time()) + timedelta(seconds=run.rng.randrange(span))
            if 8 <= moment.astimezone(run.zone).hour < 23:
                intent = run.rng.choices(tuple(weights), tuple(weights.values()))[0]
                run.at(moment, self.on_reply, run.rng.choice(run.loans), intent)

    def maybe_reply(self, loan: LoanState, planned: Planned, variant: Variant, at: datetime) -> None:
        """A contact delivered: answered within a day, perhaps."""
        intent = self.reply_intent(planned, variant)
        if intent is not None:
            delay = min(24 * 60 - 1, 2 + self.run.rng.expovariate(1 / REPLY_MINUTES))
            self.run.at(at + timedelta(minutes=delay), self.on_reply, loan, intent)

    def reply_intent(self, planned: Planned, variant: Variant) -> str | None:
        """What the borrower answers, if anything: a promise more often to a challenger."""
        run = self.run
        opted_out = run.row["contact_opt_out_at"] is not None
        if run.profile.opts_out and not opted_out and run.rng.random() < STOP_CHANCE:
            return "stop_contact"
        about = replying_to(planned)
        challenger = variant.name != planned.message.variants[0].name
        promise = 0.0
        if about == "overdue":
            promise = PROMISE_CHANCE + (CHALLENGER_PROMISE_BONUS if challenger else 0)
        reply = REPLY_CHANCE[about] + (CHALLENGER_REPLY_BONUS if challenger else 0)
        draw = run.rng.random()
        if draw < promise:
            return PROMISE_TO_PAY.intent
        if draw < promise + reply:
            weights = REPLIES[about]
            return run.rng.choices(tuple(weights), tuple(weights.values()))[0]
        return None

    def on_reply(self, moment: datetime, loan: LoanState, intent: str) -> None:
        run = self.run
        if run.handoffs.any_open(moment):
            return  # a person has the chat
        chat = Chat(run, run.conversations.ongoing(moment, by_borrower=True), moment)
        if run.flag is not None:
            self.flagged_chat(chat, intent)
        else:
            self.chat(chat, loan, intent)

    def line(self, intent: str) -> str:
        return borrower_line(self.run.rng, intent, self.run.profile.language)

    # --- the chats ------------------------------------------------------------------------------

    def chat(self, chat: Chat, loan: LoanState, intent: str) -> None:
        run = self.run
        if intent in HARD_CASES:
            self.hard_case_chat(chat, intent)
        elif intent in ARRANGING:
            self.arrangement_chat(chat, loan, ARRANGING[intent])
        elif intent == "ask_balance":
            chat.borrower(self.line(intent)) and chat.bot(
                balance_replies(account_of(run.profile, run.loans, chat.day, run.zone), chat.language))
        elif intent == "claim_paid":
            chat.borrower(self.line(intent)) and chat.bot(claim_paid_replies(
                account_of(run.profile, run.loans, chat.day, run.zone), self.paid_lately(chat.clock),
                chat.language))
        elif intent == "refuse_to_pay":
            self.refusal_chat(chat)
        elif intent == "gibberish":
            self.gibberish_chat(chat)
        else:
            chat.borrower(self.line(intent)) and chat.bot([Reply("utter_thank")])

    def paid_lately(self, moment: datetime) -> list[WalletPayment]:
        """The payments of the last week, newest first, as "I already paid" looks for them."""
        since = moment - timedelta(days=7)
        found = [WalletPayment("-", self.run.id, loan.id, amount, loan.currency, paid)
                 for loan in self.run.loans for paid, _, amount in loan.payments if since <= paid <= moment]
        return sorted(found, key=lambda payment: payment.paid_at, reverse=True)

    def hard_case_chat(self, chat: Chat, intent: str) -> None:
        case = HARD_CASES[intent]
        if chat.borrower(self.line(intent)) and chat.bot([Reply(case.answer)]):
            self.run.handoffs.hand_over(chat, case.reason)

    def refusal_chat(self, chat: Chat) -> None:
        """Answered calmly; said again, a person has it (bot/arrangements/negotiation.py)."""
        line = self.line("refuse_to_pay")
        if not (chat.borrower(line) and chat.bot([Reply("utter_refuse_to_pay")])):
            return
        if self.run.rng.random() < SECOND_REFUSAL_CHANCE and chat.borrower(self.line("refuse_to_pay")) \
                and chat.bot([Reply("utter_handover_negotiation_failed")]):
            self.run.handoffs.open(chat, NEGOTIATION_FAILED, note=REFUSED_TO_PAY)

    def gibberish_chat(self, chat: Chat) -> None:
        if not (chat.borrower(self.line("gibberish")) and chat.bot([Reply("utter_please_rephrase")])):
            return
        if self.run.rng.random() < SECOND_GIBBERISH_CHANCE and chat.borrower(self.line("gibberish")) \
                and chat.bot([Reply("utter_handover_not_understood")]):
            self.run.handoffs.open(chat, "not_understood")

    def flagged_chat(self, chat: Chat, intent: str) -> None:
        """After a broken plan or promise the borrower's next message goes to a person
        (bot/gateway/conversations.py), the gateway saying a person will answer."""
        run = self.run
        if chat.borrower(self.line(intent if intent in LINES else "ask_balance")):
            reason, run.flag = run.flag or NEGOTIATION_FAILED, None
            run.handoffs.open(chat, reason, actor=audit.SYSTEM)
            chat.bot([Reply("utter_holding")])

    # --- the negotiation ----------------------------------------------------------------------------

    def arrangement_chat(self, chat: Chat, loan: LoanState, kind: Kind[Any, Any]) -> None:
        """The negotiation form, as the borrower taps through it: the offer (or why not), a
        question per field with the policy's choices, the exact terms, a yes, the arrangement."""
        run = self.run
        day, language = chat.day, chat.language
        balance = balance_of(loan, day, run.zone)
        eligibility = eligibility_of(loan, kind, balance, day, run.policy)
        offer = Offer(eligibility.ok, kind, loan.id, loan.currency, eligibility.reason, eligibility.details)
        if not (chat.borrower(self.line(kind.intent)) and chat.bot(offer_replies(offer, language))):
            return
        if not offer.ok:
            if needs_person(offer):
                run.handoffs.open(chat, "ineligible")
            return
        situation = Situation(balance, day, run.policy)
        values = self.fill_in(chat, offer, situation)
        if values is None:
            return
        terms = kind.terms(values, situation)
        if not chat.bot(proposal_replies(offer, terms, language)):
            return
        agrees = run.rng.random() >= DECLINE_CHANCE
        if not chat.borrower(chat.last_buttons[0 if agrees else 1]["title"]):
            return
        if agrees:
            arrangement = run.arrangements.arrange(loan, kind, terms, chat.clock, audit.BOT,
                                                   chat.conversation)
            chat.bot([Reply("utter_arrangement_created", {"reference": arrangement.id[:8]})])
        else:
            chat.bot([Reply("utter_arrangement_declined")])

    def fill_in(self, chat: Chat, offer: Offer, situation: Situation) -> dict[str, Any] | None:
        """Each field asked with its quick replies, and one tapped."""
        kind, values = offer.kind, {}
        for item in kind.fields:
            choices = kind.choices(item, situation)
            value = self.run.rng.choice(choices)
            asked = question(offer, item, situation, None, chat.language)
            if not (chat.bot([asked]) and chat.borrower(asked.buttons[choices.index(value)]["title"])):
                return None
            checked, invalid = kind.check(item, value, situation)
            if invalid is not None:
                return None
            values[item.name] = checked
        return values


def replying_to(planned: Planned) -> str:
    """before (a reminder of a bill not yet due), overdue, or arrangement (its own reminders)."""
    if planned.stage == BROKEN:
        return "overdue"
    if planned.purpose == ARRANGEMENT:
        return "arrangement"
    return "overdue" if int(planned.stage[1:]) > 0 else "before"
