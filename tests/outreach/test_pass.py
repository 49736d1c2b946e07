"""A whole outreach pass on a real database (SQLite and PostgreSQL): what it sends, what it holds
back and why, and that nothing is ever written twice."""
from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select, update

from bot.arrangements.policy import load_policy
from bot.clock import today_in, zone
from bot.db.models import Borrower, Conversation, Loan, Message, OutreachContact
from bot.outreach.run import run_pass
from bot.outreach.strategy import load_strategy
from tests.builders import bill, borrower, load

SHANGHAI = "Asia/Shanghai"


def local(hour: int, minute: int = 0, days: int = 0, tz: str = SHANGHAI) -> datetime:
    """A moment at this local time, `days` from the borrower's today."""
    day = today_in(tz) + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=zone(tz))


def chen(due_in: int = 3):
    return borrower("b-7001", "陈静", "zh", SHANGHAI).loan(
        "L-7001", "CNY", "2000.00", bill(due_in, "1000.00", interest="20.00"), bill(due_in + 30, "1000.00"))


def ada(days_late: int = 7):
    return borrower("b-7002", "Ada Lee", "en", SHANGHAI).loan(
        "L-7002", "CNY", "1000.00", bill(-days_late, "500.00", interest="10.00", late_fee="15.00"))


def passes(database, *moments: datetime):
    strategy, book = load_strategy(), load_policy()
    return [run_pass(database, strategy, book, at) for at in moments]


def contacts(database):
    with database.transaction() as session:
        return [(c.borrower_id, c.stage, c.status, c.reason) for c in session.execute(
            select(OutreachContact).order_by(OutreachContact.id)).scalars()]


def outreach_messages(database, borrower_id: str) -> list[str]:
    with database.transaction() as session:
        return list(session.execute(
            select(Message.text).join(Conversation, Conversation.id == Message.conversation_id)
            .where(Message.kind == "outreach", Conversation.borrower_id == borrower_id)
            .order_by(Message.id)).scalars())


def test_a_reminder_three_days_before_the_due_date_is_sent_once(database):
    load(database, chen(due_in=3))
    first, again = passes(database, local(10), local(10, 30))
    assert [d.row["template"] for d in first.decided] == ["D-3/champion"]
    assert len(first.delivered) == 1 and again.delivered == [] and again.already == 1
    assert contacts(database) == [("b-7001", "D-3", "sent", None)]
    [text] = outreach_messages(database, "b-7001")
    assert "L-7001" in text and "1,020.00" in text  # the exact amount due, in Chinese
    assert text.splitlines()[0] == "这是钱包信用的自动助手，来信是关于一笔欠款：您的借款 L-7001。"


def test_quiet_hours_hold_it_back_and_a_later_pass_sends_it(database):
    load(database, chen(due_in=3))
    night, morning = passes(database, local(22, 30), local(9, days=1))
    assert [(d.row["status"], d.row["reason"]) for d in night.decided] == [("suppressed", "quiet_hours")]
    assert night.delivered == [] and len(morning.delivered) == 1
    [(who, stage, status, _)] = contacts(database)  # one row: held back, then sent
    assert (who, stage, status) == ("b-7001", "D-3", "sent")


def test_an_opted_out_borrower_gets_nothing_and_the_rule_is_logged(database):
    load(database, ada(days_late=7))
    with database.transaction() as session:
        session.get(Borrower, "b-7002").contact_opt_out_at = local(8)
    [report] = passes(database, local(11))
    assert report.delivered == []
    assert contacts(database) == [("b-7002", "D+7", "suppressed", "opted_out")]
    assert outreach_messages(database, "b-7002") == []


def test_a_disputed_loan_is_on_hold(database):
    load(database, ada(days_late=7))
    with database.transaction() as session:
        session.execute(update(Loan).where(Loan.id == "L-7002").values(collection_hold=True))
    passes(database, local(11))
    assert contacts(database) == [("b-7002", "D+7", "suppressed", "on_hold:dispute")]


def test_stages_follow_days_past_due_and_the_second_contact_does_not_introduce_itself(database):
    load(database, ada(days_late=7))
    week, _, fortnight = passes(database, local(11), local(11, days=1), local(11, days=8))
    assert [d.row["stage"] for d in week.decided] == ["D+7"]
    assert [d.row["stage"] for d in fortnight.decided] == ["D+15"]
    first, second = outreach_messages(database, "b-7002")
    assert first.startswith("This is Wallet Credit") and not second.startswith("This is")
    assert "15 days" in second or "15" in second


def test_a_stage_missed_beyond_the_catch_up_is_not_sent_late(database):
    load(database, ada(days_late=10))  # D+7 was three days ago; catch_up_days is 2
    [report] = passes(database, local(11))
    assert report.decided == []


@pytest.mark.parametrize("workers", [4])
def test_passes_at_the_same_time_write_each_message_once(database, workers):
    load(database, *[borrower(f"b-8{i:03}", f"Borrower {i}", "en", SHANGHAI).loan(
        f"L-8{i:03}", "CNY", "900.00", bill(-1, "300.00")) for i in range(40)])
    at, errors = local(12), []

    def one_pass():
        try:
            passes(database, at)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=one_pass) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.transaction() as session:
        sent = session.execute(select(Message.conversation_id).where(Message.kind == "outreach")).all()
        rows = session.execute(select(OutreachContact.status)).scalars().all()
    assert len(sent) == 40 and rows == ["sent"] * 40
