"""Settling review items (bot/training/settling.py), on SQLite and PostgreSQL: one or many, as
an intent, the prediction confirmed, out of scope or discarded; again as before changes
nothing, otherwise settles anew, unless exported; all or nothing; audited with who and how."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import AuditEvent
from bot.training.inbox import ReviewNotFound
from bot.training.intents import trainable_intents
from bot.training.settling import (
    AlreadyExported,
    CannotSettle,
    Settlement,
    SettlementInvalid,
    parse_settlement,
    settle,
)
from tests.training.support import items, review

INTENTS = trainable_intents()


@pytest.fixture
def three(database):
    with database.transaction() as session:
        ids = [review(session, "can I pay later").id,  # predicted request_deferral (support.RANKED)
               review(session, "asdfgh", ranking=(("nlu_fallback", 0.7),)).id,  # no guess at all
               review(session, "book me a hotel", intent="out_of_scope", ranking=(("out_of_scope", 0.8),)).id]
    return database, ids


def settled(database) -> list[tuple]:
    return [(item.status, item.intent, item.discarded, item.settled_how, item.settled_by)
            for item in items(database)]


def audited(database) -> list[dict]:
    with database.transaction() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.action == "review_settled")
                                 .order_by(AuditEvent.id)).scalars()
        return [(event.actor, event.details) for event in events]


@pytest.mark.parametrize(("settlement", "outcome"), [
    (Settlement("intent", "request_instalment"), ("settled", "request_instalment", False, "intent", "tess")),
    (Settlement("correct"), ("settled", "request_deferral", False, "correct", "tess")),
    (Settlement("out_of_scope"), ("settled", "out_of_scope", False, "out_of_scope", "tess")),
    (Settlement("discard"), ("settled", None, True, "discard", "tess")),
])
def test_one_is_settled_and_audited(three, settlement, outcome):
    database, ids = three
    with database.transaction() as session:
        result = settle(session, [ids[0]], settlement, "tess", INTENTS)
    assert (result.ids, result.changed) == ((ids[0],), (ids[0],))
    assert settled(database)[0] == outcome
    assert items(database)[0].settled_at is not None
    [(actor, details)] = audited(database)
    assert actor == "agent:tess"
    assert details == {"review_id": ids[0], "how": settlement.how, "intent": outcome[1],
                       "discarded": outcome[2], "previous": None}


def test_settling_again_as_before_changes_nothing(three):
    database, ids = three
    for who in ("tess", "sam"):
        with database.transaction() as session:
            result = settle(session, [ids[0]], Settlement("intent", "request_deferral"), who, INTENTS)
    assert result.changed == ()
    with database.transaction() as session:  # "correct" means the same intent: also as before
        assert settle(session, [ids[0]], Settlement("correct"), "sam", INTENTS).changed == ()
    assert settled(database)[0] == ("settled", "request_deferral", False, "intent", "tess")
    assert len(audited(database)) == 1


def test_settling_otherwise_settles_anew(three):
    database, ids = three
    with database.transaction() as session:
        settle(session, [ids[0]], Settlement("intent", "request_deferral"), "tess", INTENTS)
    with database.transaction() as session:
        settle(session, [ids[0]], Settlement("discard"), "sam", INTENTS)
    assert settled(database)[0] == ("settled", None, True, "discard", "sam")
    assert audited(database)[1][1]["previous"] == {
        "intent": "request_deferral", "discarded": False, "by": "tess"}


def test_many_at_once(three):
    database, ids = three
    with database.transaction() as session:
        settle(session, [ids[0]], Settlement("out_of_scope"), "tess", INTENTS)
        result = settle(session, [ids[0], ids[2], ids[2]], Settlement("out_of_scope"), "tess", INTENTS)
    assert (result.ids, result.changed) == ((ids[0], ids[2]), (ids[2],))
    assert [row[1] for row in settled(database)] == ["out_of_scope", None, "out_of_scope"]


def test_all_or_nothing(three):
    database, ids = three
    with database.transaction() as session:
        with pytest.raises(ReviewNotFound) as missing:
            settle(session, [ids[0], 998, 999], Settlement("discard"), "tess", INTENTS)
        assert missing.value.ids == [998, 999]
        # the model had no guess for the second: nothing to confirm
        with pytest.raises(CannotSettle) as cannot:
            settle(session, ids, Settlement("correct"), "tess", INTENTS)
        assert cannot.value.ids == [ids[1]]
    assert [row[0] for row in settled(database)] == ["open"] * 3
    assert audited(database) == []


def test_an_exported_item_is_settled_for_good(three):
    database, ids = three
    with database.transaction() as session:
        settle(session, [ids[0], ids[2]], Settlement("correct"), "tess", INTENTS)
    with database.transaction() as session:
        for item in items(database)[:1]:
            session.get(type(item), item.id).export_status = "written"
    with database.transaction() as session:
        assert settle(session, [ids[0]], Settlement("correct"), "tess", INTENTS).changed == ()  # as before
        with pytest.raises(AlreadyExported) as exported:
            settle(session, [ids[0], ids[2]], Settlement("discard"), "tess", INTENTS)
        assert exported.value.ids == [ids[0]]
    assert settled(database)[2][1] == "out_of_scope"  # nothing changed


def test_a_settlement_the_last_export_skipped_is_considered_again(three):
    database, ids = three
    with database.transaction() as session:
        settle(session, [ids[0]], Settlement("correct"), "tess", INTENTS)
    with database.transaction() as session:
        item = session.get(type(items(database)[0]), ids[0])
        item.export_status, item.export_note = "skipped", "it is an example already"
    with database.transaction() as session:
        settle(session, [ids[0]], Settlement("intent", "request_instalment"), "tess", INTENTS)
    assert (items(database)[0].export_status, items(database)[0].export_note) == (None, None)


@pytest.mark.parametrize(("body", "settlement"), [
    ({"intent": "greet"}, Settlement("intent", "greet")),
    ({"intent": "out_of_scope"}, Settlement("intent", "out_of_scope")),
    ({"discard": True}, Settlement("discard")),
    ({"correct": True}, Settlement("correct")),
    ({"out_of_scope": True}, Settlement("out_of_scope")),
])
def test_the_bodies_that_settle(body, settlement):
    assert parse_settlement(body, INTENTS) == (settlement, ())
    assert parse_settlement({**body, "ids": [3, 1, 3]}, INTENTS, bulk=True) == (settlement, (3, 1))


@pytest.mark.parametrize(("body", "why"), [
    (None, "the body is a JSON object"),
    ([], "the body is a JSON object"),
    ({}, "the body is a JSON object with one of"),
    ({"intent": "greet", "discard": True}, "with one of"),
    ({"intent": "chitchat"}, "intent is one of the domain's intents: greet, goodbye"),
    ({"intent": "nlu_fallback"}, "intent is one of the domain's intents"),
    ({"intent": "EXTERNAL_handed_back"}, "intent is one of the domain's intents"),
    ({"intent": 3}, "intent is one of"),
    ({"discard": False}, '"discard" takes true'),
    ({"correct": "yes"}, '"correct" takes true'),
    ({"intent": "greet", "note": "x"}, "unknown: note"),
    ({"intent": "greet", "ids": [1]}, "unknown: ids"),  # not on one item
])
def test_a_body_that_settles_nothing_says_why(body, why):
    with pytest.raises(SettlementInvalid) as error:
        parse_settlement(body, INTENTS)
    assert why in str(error.value)


def test_a_wrong_intent_lists_the_choices():
    with pytest.raises(SettlementInvalid) as error:
        parse_settlement({"intent": "chitchat"}, INTENTS)
    assert error.value.choices == INTENTS
    assert "out_of_scope" in INTENTS and "nlu_fallback" not in INTENTS
    assert not any(intent.startswith("EXTERNAL_") for intent in INTENTS)


@pytest.mark.parametrize("ids", [None, [], "1,2", [1, "2"], [True], [0], [1.5], list(range(1, 502))])
def test_bulk_needs_a_list_of_ids(ids):
    body = {"discard": True} if ids is None else {"discard": True, "ids": ids}
    with pytest.raises(SettlementInvalid, match='"ids" is a list of 1 to 500 review item ids'):
        parse_settlement(body, INTENTS, bulk=True)
