"""The portfolio's proportions: who borrows, in what currency, how much and how they pay; how
often they answer, and what; what agents do; and when the lender's daily jobs run."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from decimal import Decimal
from typing import Any

from bot.arrangements.kinds import DEFERRAL, INSTALMENT_PLAN, Kind

# Borrowers: their language, zone and currency; their loans; how they pay.
CHINESE_SHARE = 0.6
ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Asia/Taipei", "America/New_York")
ZONE_WEIGHTS = {"zh": (60, 15, 8, 15, 2), "en": (8, 20, 30, 4, 38)}  # per language, in ZONES order
CURRENCY_OF_ZONE = {"Asia/Shanghai": "CNY", "Asia/Hong_Kong": "HKD", "Asia/Singapore": "SGD",
                    "Asia/Taipei": "TWD", "America/New_York": "USD"}
TRADITIONAL_ZONES = frozenset({"Asia/Hong_Kong", "Asia/Taipei"})
TRADITIONAL_SHARE = 0.85  # of Chinese writers there; the rest write Simplified
# A principal in CNY is drawn log-uniformly from this range; other currencies scale it by
# roughly what 1 CNY is worth, rounded to a figure a lender would lend.
PRINCIPAL_CNY = (1_000, 30_000)
CURRENCY_SCALE = {"CNY": (Decimal(1), 100), "HKD": (Decimal("1.1"), 100), "SGD": (Decimal("0.19"), 10),
                  "TWD": (Decimal("4.4"), 1_000), "USD": (Decimal("0.14"), 10)}
SECOND_LOAN_SHARE = 0.15
TERMS = (3, 6, 12)  # monthly bills
TERM_WEIGHTS = (30, 45, 25)
INTEREST_PER_MILLE = (10, 20)  # of the principal, per bill
LATE_FEE_AFTER_DAYS = 15  # a bill still unpaid this long after its due date is charged a late fee
LATE_FEE_RATE = Decimal("0.02")  # of the bill's principal and interest
STARTED_BEFORE_SHARE = 0.3  # of loans lent before the history begins, up to a year before
BEHAVIOURS = ("on_time", "late", "very_late", "stops")
BEHAVIOUR_WEIGHTS = (65, 17, 8, 10)
# Of borrowers, those who would reply STOP to a contact: only about a third are ever written to
# (outreach is about bills that fall overdue), so about 2% of all opt out.
OPT_OUT_SHARE = 0.07
STOP_CHANCE = 0.6  # that such a borrower's next contact is the one they answer so

# Replies: the chance a contact is answered within a day, by what it is about; challengers are
# written to be answered (outreach.yml), and here they are, more often and with more promises,
# so that the dashboard's champion/challenger comparison shows a real difference.
REPLY_CHANCE = {"before": 0.05, "overdue": 0.08, "arrangement": 0.04}
PROMISE_CHANCE = 0.03  # of an overdue contact, on top of the other replies
CHALLENGER_REPLY_BONUS = 0.03
CHALLENGER_PROMISE_BONUS = 0.05
REPLY_MINUTES = 120  # the mean delay of a reply (at most a day)
# What a reply is about, by what it answers (weights).
REPLIES: Mapping[str, Mapping[str, float]] = {
    "before": {"ask_balance": 45, "thank": 30, "claim_paid": 10, "request_human": 3, "request_deferral": 5,
               "complaint": 2, "gibberish": 2},
    "overdue": {"ask_balance": 30, "request_deferral": 16, "request_instalment": 14, "thank": 10,
                "request_human": 3, "claim_paid": 6, "hardship": 4, "refuse_to_pay": 4, "complaint": 2,
                "dispute_debt": 2, "gibberish": 2, "legal_matter": 0.4, "distress": 0.5},
    "arrangement": {"ask_balance": 45, "thank": 40, "request_human": 8, "claim_paid": 7},
    "own": {"ask_balance": 72, "claim_paid": 12, "request_human": 2, "request_instalment": 4, "complaint": 1,
            "gibberish": 2, "thank": 7},  # a chat the borrower starts, unprompted
}
OWN_CHATS = (0.5, 0.3, 0.2)  # the shares of borrowers who start no chat, one, two in the history
SECOND_REFUSAL_CHANCE = 0.4  # a refusal to pay said twice goes to a person
SECOND_GIBBERISH_CHANCE = 0.5
DECLINE_CHANCE = 0.1  # of a proposed arrangement, at the last step
# What the borrower means to do about an arrangement: keep it (a plan: each instalment).
KEEP_CHANCE = {"promise_to_pay": 0.6, "deferral": 0.65, "instalment_plan": 0.9}
CANCEL_CHANCE = 0.03  # an agent undoes it a few days in
RESUME_CHANCE = {"on_time": 0.85, "late": 0.8, "very_late": 0.6, "stops": 0.0}  # paying again after a break
# Outreach held back for a reason the simulation does not otherwise produce: a pass that ran
# in the evening, a cap another message took.
QUIET_HOURS_SHARE = 0.04
DAILY_CAP_SHARE = 0.02

# Agents: claimed 1–120 minutes after the handoff opened, answered a few minutes later, ended
# later still; released to the bot or ended.
AGENTS = {"mei.lin": "Mei", "tom.k": "Tom"}
CLAIM_MINUTES, ANSWER_MINUTES, END_MINUTES = (1, 120), (1, 8), (5, 90)
# Cases that take days to work through, not minutes (days added to END_MINUTES).
CASE_DAYS = {"dispute": (1, 6), "legal": (1, 6), "hardship": (0, 3), "distress": (0, 2)}
RELEASE_SHARE = 0.6
AGENT_KINDS: tuple[Kind[Any, Any], ...] = (INSTALMENT_PLAN, DEFERRAL)  # a plan if allowed, else a deferral
# The chance that the agent of such a case agrees an arrangement with the borrower.
AGENT_ARRANGES = {"hardship": 0.5, "human_requested": 0.15, "negotiation_failed": 0.3, "ineligible": 0.4}

# The lender's daily jobs.
PASS_TIME = time(10)  # the outreach pass of the day, in the borrower's time
REVIEW_TIME = time(0, 30)  # the daily review of arrangements, just after local midnight
FEE_TIME = time(0, 5)  # the lender's system loads late fees
