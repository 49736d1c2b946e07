"""State that survives: the whole bot (real Rasa with the test model, the action server, the
gateway) with Rasa's SQL tracker store in the loan database, on real SQLite and PostgreSQL.
Rasa is killed (SIGKILL) in the middle of an instalment plan and of a handoff, and the action
server in the middle of another plan; after the restart the form carries on with what was
said, the handed-over conversation is still paused, and the message sent while Rasa was down
is delivered before the next one, once."""
from __future__ import annotations

import json
import re
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import today_in
from bot.db import Database
from bot.db.models import Conversation, Message
from tests.builders import bill, borrower, load
from tests.conversations.conftest import Chat, arrangements
from tests.stack import TEST_MODEL, Stack

pytestmark = pytest.mark.conversation

BORROWERS = (
    borrower("b-7001", "周杰", "zh", "Asia/Shanghai").loan(  # a plan, across a Rasa restart
        "L-7001", "CNY", "2000.00", bill(-20, "1000.00"), bill(20, "1000.00")),
    borrower("b-7002", "吴芳", "zh", "Asia/Shanghai").loan(  # a dispute: a person takes over
        "L-7002", "CNY", "800.00", bill(-5, "800.00", interest="8.00")),
    borrower("b-7003", "李娜", "zh", "Asia/Shanghai").loan(  # a plan, across an action-server restart
        "L-7003", "CNY", "2000.00", bill(-20, "1000.00"), bill(20, "1000.00")),
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request, tmp_path_factory):
    if not TEST_MODEL.exists():
        pytest.fail(f"no test model at {TEST_MODEL}: run `make test-model`")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('state') / 'bot.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database()
    database = Database(url)
    database.upgrade()
    load(database, *BORROWERS)
    database.dispose()
    running = Stack(database_url=url, log_dir=tmp_path_factory.mktemp("state-logs")).start()
    yield running
    running.stop()


def kill(stack: Stack, name: str) -> None:
    process, _ = stack.processes[name]
    process.kill()  # no chance to save anything on the way out
    process.wait()


def test_rasa_killed_mid_form_and_mid_handoff(stack):
    zhou, wu = Chat(stack, "b-7001"), Chat(stack, "b-7002")
    assert zhou.say("我想分期还")[-1] == "您想分几期？"
    assert zhou.say("3")[-1] == "第一期您想哪天还？"
    status, body = wu.request("POST", "/api/v1/chat", {"text": "这笔钱不是我借的"})
    assert body["status"] == "handoff"
    handed_over = body["conversation_id"]
    assert rasa_tracker(stack, handed_over)["paused"] is True

    kill(stack, "rasa")
    status, body = zhou.request("POST", "/api/v1/chat", {"text": "明天"})  # kept for later
    assert status == 503 and "error" in body
    status, body = wu.request("POST", "/api/v1/chat", {"text": "还在吗？"})  # to the agent, as ever
    assert (status, body["status"], body["messages"]) == (200, "handoff", [])
    stack.restart_process("rasa")

    # The kept "明天" first (the form knew the count: it confirms 3 instalments), then "好的".
    replies = zhou.say("好的")
    tomorrow = today_in("Asia/Shanghai") + timedelta(days=1)
    confirm = [i for i, text in enumerate(replies)
               if text.startswith("请确认：借款 L-7001 的逾期金额 ¥1,000.00 分 3 期按月还：")]
    done = [i for i, text in enumerate(replies) if text.startswith("已办理好")]
    assert len(confirm) == 1 and len(done) == 1 and confirm[0] < done[0], replies
    [plan] = arrangements(stack, "L-7001")
    assert plan.terms["first_due_date"] == tomorrow.isoformat() and len(plan.terms["instalments"]) == 3
    assert_each_message_answered_once(stack, "b-7001", ["我想分期还", "3", "明天", "好的"])

    assert rasa_tracker(stack, handed_over)["paused"] is True  # the tracker came back paused
    status, body = wu.request("POST", "/api/v1/chat", {"text": "有人吗？"})
    assert (body["status"], body["messages"]) == ("handoff", [])  # the bot stays quiet


def test_action_server_killed_mid_form(stack):
    li = Chat(stack, "b-7003")
    assert li.say("我想分期还")[-1] == "您想分几期？"
    kill(stack, "actions")
    stack.restart_process("actions")
    assert li.say("3")[-1] == "第一期您想哪天还？"  # the form goes on from the count question
    assert li.say("明天")[-2].startswith("请确认：借款 L-7003 的逾期金额 ¥1,000.00 分 3 期按月还：")


def rasa_tracker(stack: Stack, conversation_id: str) -> dict:
    url = f"{stack.rasa}/conversations/{conversation_id}/tracker?token={stack.rasa_token}&include_events=NONE"
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.loads(answer.read())


def assert_each_message_answered_once(stack: Stack, borrower_id: str, said: list[str]) -> None:
    """The transcript: the borrower's messages in order, each kept once and delivered, and the
    plan agreed once (the replies' order is checked by the caller)."""
    database = Database(stack.database_url)
    try:
        with database.transaction() as session:
            conversation = session.execute(
                select(Conversation).where(Conversation.borrower_id == borrower_id)).scalar_one()
            messages = list(session.execute(select(Message).where(
                Message.conversation_id == conversation.id).order_by(Message.id)).scalars())
    finally:
        database.dispose()
    borrower_messages = [m for m in messages if m.sender == "borrower"]
    assert [m.text for m in borrower_messages] == said
    assert all(m.delivered for m in borrower_messages)
    # b: the borrower, r: the bot. The message kept while Rasa was down ("明天") is answered
    # with the next one ("好的"), so the two stand together, then the replies to both.
    runs = "".join("b" if m.sender == "borrower" else "r" for m in messages)
    assert re.fullmatch("br+br+bbr+", runs), runs
    texts = [m.text for m in messages if m.sender == "bot"]
    assert sum(t.startswith("已办理好") for t in texts) == 1
