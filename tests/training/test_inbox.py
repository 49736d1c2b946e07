"""Listing the inbox (bot/training/inbox.py, query.py), on SQLite and PostgreSQL: each filter and
sort, pages that never overlap, masked text and context, suggestions; and every parameter that
cannot be answered refused with the reason."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.training.inbox import ReviewNotFound, get_item, list_items
from bot.training.intents import PREDICTABLE_EXTRA, trainable_intents
from bot.training.query import InboxQuery, InboxQueryError
from bot.training.settling import Settlement, settle
from tests.builders import alice, load, wang
from tests.training.support import chat, day, review

INTENTS = trainable_intents()
DEFER_OR_PROMISE = (("nlu_fallback", 0.7), ("request_deferral", 0.52), ("promise_to_pay", 0.4),
                    ("inform", 0.05))
PREDICTABLE = (*INTENTS, *PREDICTABLE_EXTRA)


def ask(**query: str) -> InboxQuery:
    return InboxQuery.parse(query, PREDICTABLE)


@pytest.fixture
def inbox(database):
    """Five items: (text, language, predicted intent, confidence, day, reason)."""
    load(database, wang(), alice())
    with database.transaction() as session:
        chat(session, "conv-wang", "b-1001",
             ("bot", "王伟您好，您欠款 ¥2,145.00"), ("borrower", "王伟我下周还3000元行吗"),
             ("bot", "您是想延期还款吗？"), ("borrower", "是"), script="hans")
        chat(session, "conv-alice", "b-2001", ("borrower", "Alice Tan here, call 9123 4567"))
        rows = [
            ("王伟我下周还3000元行吗", "conv-wang", DEFER_OR_PROMISE, day(11, 1), "unsure"),
            ("Alice Tan here, call 9123 4567", "conv-alice", (("greet", 0.3),), day(11, 2), "fallback"),
            ("hi 你好", "conv-x", (("greet", 0.91),), day(11, 3), "handoff"),
            ("我還欠多少錢", "conv-y", (("nlu_fallback", 0.7), ("ask_balance", 0.45)), day(11, 4), "unsure"),
            ("???", "conv-z", (), day(11, 5), "fallback"),
        ]
        ids = [review(session, text, conversation_id=conversation, ranking=ranking, at=at, reason=reason,
                      intent=ranking[0][0] if ranking else "nlu_fallback").id
               for text, conversation, ranking, at, reason in rows]
    return database, ids


def listed(database, query: InboxQuery) -> tuple[list, int]:
    with database.transaction() as session:
        return list_items(session, query, INTENTS)


def texts(database, **query: str) -> list[str]:
    return [view.text for view in listed(database, ask(**query))[0]]


def test_the_open_items_oldest_first_masked(inbox):
    database, _ = inbox
    views, total = listed(database, ask())
    assert total == 5
    assert [view.text for view in views] == [
        "[name]我下周还[amount]行吗", "[name] here, call [phone]", "hi 你好", "我還欠多少錢", "???"]
    assert [view.language for view in views] == ["zh_hans", "en", "mixed", "zh_hant", "en"]
    first = views[0]
    assert (first.predicted_intent, first.confidence, first.reason, first.status) == (
        "request_deferral", 0.52, "unsure", "open")
    assert [(one.intent, one.confidence) for one in first.suggestions] == [
        ("request_deferral", 0.52), ("promise_to_pay", 0.4), ("inform", 0.05)]
    # what was said around it, masked the same way
    assert [(one.sender, one.text) for one in first.before] == [("bot", "[name]您好，您欠款 [amount]")]
    assert [(one.sender, one.text) for one in first.after] == [
        ("bot", "您是想延期还款吗？"), ("borrower", "是")]
    assert views[2].before == views[2].after == ()  # no transcript: a chat outside the gateway
    assert views[4].confidence is None and views[4].suggestions == ()


def test_filters(inbox):
    database, _ = inbox
    assert texts(database, language="en") == ["[name] here, call [phone]", "???"]
    assert texts(database, language="zh_hant,mixed") == ["hi 你好", "我還欠多少錢"]
    assert texts(database, intent="greet") == ["[name] here, call [phone]", "hi 你好"]
    assert texts(database, intent="nlu_fallback") == ["???"]
    assert texts(database, reason="unsure") == ["[name]我下周还[amount]行吗", "我還欠多少錢"]
    assert texts(database, min_confidence="0.45") == ["[name]我下周还[amount]行吗", "hi 你好", "我還欠多少錢"]
    assert texts(database, max_confidence="0.45") == ["[name] here, call [phone]", "我還欠多少錢"]
    assert texts(database, min_confidence="0.4", max_confidence="0.6") == ["[name]我下周还[amount]行吗",
                                                                         "我還欠多少錢"]
    assert texts(database, **{"from": "2026-11-02", "to": "2026-11-03"}) == [
        "[name] here, call [phone]", "hi 你好"]
    assert texts(database, **{"from": "2026-11-04T12:00:00Z"}) == ["我還欠多少錢", "???"]
    assert texts(database, to="2026-11-01T11:00:00") == []


def test_sorts_and_pages(inbox):
    database, _ = inbox
    assert texts(database, sort="-at")[0] == "???"
    by_confidence = ["[name] here, call [phone]", "我還欠多少錢", "[name]我下周还[amount]行吗",
                     "hi 你好", "???"]
    assert texts(database, sort="confidence") == by_confidence
    assert texts(database, sort="-confidence") == [*reversed(by_confidence[:4]), "???"]  # none: last
    pages = [texts(database, sort="confidence", limit="2", offset=str(offset)) for offset in (0, 2, 4)]
    assert [text for page in pages for text in page] == by_confidence
    views, total = listed(database, ask(limit="2"))
    assert (len(views), total) == (2, 5)


def test_settled_items_leave_the_open_inbox(inbox):
    database, ids = inbox
    with database.transaction() as session:
        settle(session, [ids[0]], Settlement("intent", "promise_to_pay"), "tess", INTENTS)
        settle(session, [ids[4]], Settlement("discard"), "tess", INTENTS)
    assert len(texts(database)) == 3
    settled = listed(database, ask(status="settled"))[0]
    assert [(view.id, view.intent, view.discarded, view.settled_by) for view in settled] == [
        (ids[0], "promise_to_pay", False, "tess"), (ids[4], None, True, "tess")]
    assert len(texts(database, status="all")) == 5


def test_one_item_and_its_context(inbox):
    database, ids = inbox
    with database.transaction() as session:
        view = get_item(session, ids[0], 1, INTENTS)
        assert [one.text for one in view.before + view.after] == [
            "[name]您好，您欠款 [amount]", "您是想延期还款吗？"]
        assert get_item(session, ids[0], 0, INTENTS).before == ()
        with pytest.raises(ReviewNotFound, match="no review item 999"):
            get_item(session, 999, 2, INTENTS)


@pytest.mark.parametrize(("query", "why"), [
    ({"status": "closed"}, "status is one of open, settled, all"),
    ({"language": "fr"}, "language is one or several (commas) of en, zh_hans, zh_hant, mixed, not 'fr'"),
    ({"language": ","}, "language is one or several"),
    ({"intent": "greet,chitchat"}, "not 'chitchat'"),
    ({"reason": "boredom"}, "reason is one or several (commas) of unsure, fallback, handoff"),
    ({"min_confidence": "high"}, "min_confidence is a number from 0 to 1"),
    ({"max_confidence": "1.5"}, "max_confidence is a number from 0 to 1"),
    ({"min_confidence": "nan"}, "min_confidence is a number from 0 to 1"),
    ({"min_confidence": "0.8", "max_confidence": "0.2"}, "min_confidence is above max_confidence"),
    ({"from": "2026-02-30"}, "`from` is a date (YYYY-MM-DD) or an ISO-8601 moment"),
    ({"from": "2026-11-05", "to": "2026-11-04"}, "`to` is before `from`"),
    ({"sort": "text"}, "sort is one of at, -at, confidence, -confidence"),
    ({"limit": "0"}, "limit is a whole number from 1 to 500"),
    ({"limit": "9" * 5000}, "limit is a whole number"),
    ({"offset": "-1"}, "offset is a whole number"),
    ({"context": "11"}, "context is a whole number from 0 to 10"),
    ({"colour": "red"}, "unknown parameter colour"),
])
def test_a_query_that_cannot_be_answered_says_why(query, why):
    with pytest.raises(InboxQueryError) as error:
        InboxQuery.parse(query, PREDICTABLE)
    assert why in str(error.value)


def test_a_query_with_nothing_asks_for_the_open_items():
    assert ask() == InboxQuery(statuses=("open",))
    parsed = ask(status="all", to="2026-11-30")
    assert parsed.statuses == ("open", "settled")
    assert parsed.before == datetime(2026, 12, 1, tzinfo=timezone.utc)  # all of the 30th
