"""The agent console in Chromium, against the whole bot: an agent signs in, a borrower in
distress appears in the queue live, the agent claims the case and answers, and the borrower's
WebSocket gets the answer; borrower text that looks like HTML stays text."""
from __future__ import annotations

import asyncio
import re
from datetime import datetime, time, timedelta

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from bot.clock import today_in, zone
from bot.db import Database
from bot.db.models import Arrangement, Handoff
from bot.handoffs.opening import hand_over
from tests.gateway.console.conftest import (
    AGENT,
    OTHER_AGENT,
    RESULTS,
    Borrower,
    agent_token,
    next_event,
    sign_in,
)

pytestmark = pytest.mark.conversation

DISTRESS = "I don't want to live anymore"
HOSTILE = ("<img src=x onerror=\"window.__xss = 'img'\"><script>window.__xss = 'script'</script>"
           " & <b>bold</b>")
REPLY = "Hello Alice, I'm Mei from the support team. I'm here with you now.\nHow are you feeling?"


def arrangements_of(stack, loan_id: str) -> list[tuple]:
    database = Database(stack.database_url)
    try:
        with database.transaction() as session:
            rows = session.execute(
                select(Arrangement).where(Arrangement.loan_id == loan_id)).scalars()
            return [(a.type, a.status, a.created_by, dict(a.terms)) for a in rows]
    finally:
        database.dispose()


def open_handoffs(stack, borrower_id: str) -> list[tuple[int, str]]:
    database = Database(stack.database_url)
    try:
        with database.transaction() as session:
            rows = session.execute(select(Handoff).where(
                Handoff.borrower_id == borrower_id, Handoff.status != "closed")).scalars()
            return [(h.id, h.reason) for h in rows]
    finally:
        database.dispose()


async def test_an_agent_takes_a_distress_case_and_the_borrower_gets_the_reply(
        console_stack, console, http):
    page = console.page
    await sign_in(page)
    await expect(page.locator("#whoami")).to_have_text(AGENT)
    await expect(page.locator("#connection")).to_have_text("Live")
    await expect(page.locator("#queue li")).to_have_count(0)
    await page.evaluate("window.__sameDocument = true")  # gone if the page were reloaded

    alice = Borrower(console_stack, http, "b-2001")
    answer = await alice.say(DISTRESS)
    assert answer["status"] == "handoff", answer

    # The queue shows it without a reload: priority 1, distress, English, waiting time ticking.
    case = page.locator("#queue li[data-handoff-id]")
    await expect(case).to_have_count(1)
    await expect(case).to_have_attribute("data-priority", "1")
    await expect(case).to_have_attribute("data-reason", "distress")
    await expect(case).to_contain_text("Distress")
    await expect(case).to_contain_text("Alice Tan")
    await expect(case).to_contain_text("EN")
    waiting = case.locator(".wait")
    await expect(waiting).to_have_text(re.compile(r"^(\d+s|\d+m \d\ds)$"))
    await expect(waiting).not_to_have_text(await waiting.text_content(), timeout=5000)  # ticking
    assert await page.evaluate("window.__sameDocument") is True

    await case.get_by_role("button").click()
    await expect(page.locator("#case-heading")).to_have_text("Alice Tan")
    await expect(page.locator("#summary")).to_contain_text("Reason: distress")
    await expect(page.locator("#summary")).to_contain_text(DISTRESS)
    borrower_said = page.locator("#transcript .from-borrower .message-text")
    await expect(borrower_said.first).to_have_text(DISTRESS)
    await expect(page.locator("#transcript .from-bot").first).to_be_visible()
    await expect(page.locator("#loans")).to_contain_text("SGD 538.25")
    await expect(page.locator("#loans")).to_contain_text("22 days")
    await expect(page.locator("#borrower")).to_contain_text("Asia/Singapore")
    await expect(page.locator("#borrower")).not_to_contain_text("null")
    await expect(page.locator("#reply")).to_be_disabled()

    await page.get_by_role("button", name="Claim").click()
    await expect(page.locator("#case-status")).to_have_text(
        "Claimed by you: the borrower sees your replies.")
    await expect(case).to_contain_text("Claimed by you")
    await expect(page.locator("#reply")).to_be_enabled()
    await expect(page.locator("#reply")).to_be_focused()

    # What the borrower writes now reaches the open transcript live, as text.
    socket = await alice.socket()
    answer = await alice.say(HOSTILE)
    assert answer["status"] == "handoff", answer
    shown = borrower_said.last
    await expect(shown).to_have_text(HOSTILE)
    assert await shown.locator("img, script, b").count() == 0
    assert await page.evaluate("window.__xss === undefined")

    # The reply: Shift+Enter is a new line, Enter sends.
    first, second = REPLY.split("\n")
    await page.locator("#reply").press_sequentially(first)
    await page.keyboard.press("Shift+Enter")
    await page.locator("#reply").press_sequentially(second)
    await page.keyboard.press("Enter")
    event = await next_event(socket, "agent")
    assert event == {"from": "agent", "text": REPLY}
    mine = page.locator("#transcript .from-agent").last
    await expect(mine.locator(".message-text")).to_have_text(REPLY)
    await expect(mine.locator(".sender")).to_have_text(f"Agent {AGENT} (you)")
    await expect(page.locator("#transcript .from-agent")).to_have_count(1)  # pushed and posted: once
    await expect(page.locator("#reply")).to_have_value("")

    RESULTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(RESULTS / "console.png"), full_page=True)

    await page.get_by_role("button", name="Close").click()
    await expect(page.locator("#case-status")).to_have_text("Closed: the conversation has ended.")
    await expect(page.locator("#queue li")).to_have_count(0)
    await expect(page.locator("#reply")).to_be_disabled()
    await socket.close()
    assert console.problems == []


async def test_an_agent_records_an_arrangement_within_policy_and_releases_the_case(
        console_stack, console, http):
    page = console.page
    await sign_in(page)
    await expect(page.locator("#connection")).to_have_text("Live")
    ben = Borrower(console_stack, http, "b-2002")
    await ben.say(DISTRESS)
    case = page.locator("#queue li[data-handoff-id]")
    await expect(case).to_have_count(1)
    await case.get_by_role("button").click()
    await expect(page.locator("#case-heading")).to_have_text("Ben Ong")
    await expect(page.locator("#arr-submit")).to_be_disabled()  # not claimed yet
    await page.get_by_role("button", name="Claim").click()
    await expect(page.locator("#arr-submit")).to_be_enabled()

    # Outside the policy: the console says why, and nothing is recorded.
    await page.get_by_label("Type").select_option("deferral")
    await page.get_by_label("Days to defer").fill("90")
    await page.get_by_role("button", name="Create arrangement").click()
    refusal = page.locator("#arr-result")
    await expect(refusal).to_contain_text("Not allowed by the policy:")
    await expect(refusal).to_contain_text("outside what the policy allows")
    assert arrangements_of(console_stack, "L-2002") == []

    await page.get_by_label("Days to defer").fill("14")
    await page.get_by_role("button", name="Create arrangement").click()
    await expect(refusal).to_contain_text("Deferral recorded: 14 days")
    loan = page.locator('#loans [data-loan-id="L-2002"]')
    await expect(loan).to_contain_text("Deferral")
    await expect(loan).to_contain_text(f"agent:{AGENT}")
    [(kind, status, made_by, terms)] = arrangements_of(console_stack, "L-2002")
    assert (kind, status, made_by, terms["days"]) == ("deferral", "active", f"agent:{AGENT}", 14)

    # Released: the bot has the conversation back and greets the borrower.
    socket = await ben.socket()
    await page.get_by_role("button", name="Release to bot").click()
    await expect(page.locator("#case-status")).to_have_text("Closed: released to the bot.")
    await expect(page.locator("#queue li")).to_have_count(0)
    greeting = await next_event(socket, "bot")
    assert greeting["text"].startswith("You're back with the assistant"), greeting
    await socket.close()
    await asyncio.sleep(1)  # time for anything the bot might wrongly do next to show
    assert open_handoffs(console_stack, "b-2002") == []  # the bot has it: no new handoff
    await expect(page.locator("#queue li")).to_have_count(0)
    assert console.problems == []


async def test_with_two_loans_the_agent_chooses_which_an_arrangement_is_for(console_stack, console, http):
    page = console.page
    await sign_in(page)
    await expect(page.locator("#connection")).to_have_text("Live")
    await Borrower(console_stack, http, "b-2004").say(DISTRESS)
    await page.locator("#queue li[data-handoff-id]").get_by_role("button").click()
    await expect(page.locator("#case-heading")).to_have_text("Dee Lam")
    await page.get_by_role("button", name="Claim").click()

    # Nothing is preselected: each loan is offered with what is overdue on it.
    loan = page.get_by_label("Loan")
    await expect(loan).to_have_value("")
    await expect(loan.locator("option")).to_have_text(
        ["Which loan? Choose one…", "L-2004 · HKD 1,010.00 overdue", "L-2005 · SGD 404.00 overdue"])
    await page.get_by_label("Type").select_option("promise_to_pay")
    await page.get_by_label("Amount").fill("404.00")
    await page.get_by_label("Payment date", exact=True).fill(
        await page.evaluate("new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10)"))
    await page.get_by_role("button", name="Create arrangement").click()
    result = page.locator("#arr-result")
    await expect(result).to_have_text("Choose the loan the arrangement is for.")
    assert arrangements_of(console_stack, "L-2004") == arrangements_of(console_stack, "L-2005") == []

    await loan.select_option("L-2005")
    await page.get_by_role("button", name="Create arrangement").click()
    await expect(result).to_contain_text("Promise to pay recorded")
    [(kind, status, _, terms)] = arrangements_of(console_stack, "L-2005")
    assert (kind, status, terms["amount"]) == ("promise_to_pay", "active", "404.00")
    assert arrangements_of(console_stack, "L-2004") == []
    await page.get_by_role("button", name="Close").click()
    assert console.problems == []


async def test_wrong_password_and_an_expired_session_go_back_to_sign_in(console_stack, console):
    page = console.page
    await sign_in(page, password="not the password")
    await expect(page.locator("#login-error")).to_have_text("The username or password is wrong.")
    await sign_in(page)
    await expect(page.locator("#connection")).to_have_text("Live")
    # The token goes bad (as at the end of a shift): the next request's 401 signs the agent out.
    await page.evaluate("sessionStorage.setItem('agentConsole.token', 'expired')")
    await page.reload()
    await expect(page.locator("#login-error")).to_have_text(
        "Your session has ended. Please sign in again.")
    await expect(page.locator("#login-form")).to_be_visible()
    assert console.problems == []


async def test_after_a_lost_connection_the_queue_is_reloaded_and_a_conflict_is_shown(
        console_stack, console, http):
    page = console.page
    await sign_in(page)
    await expect(page.locator("#connection")).to_have_text("Live")
    chen = Borrower(console_stack, http, "b-2003")
    conversation_id = (await chen.say("how much do I owe?"))["conversation_id"]

    await page.evaluate("window.__sameDocument = true")  # gone if the page were reloaded
    # The gateway goes away; a case opens meanwhile (no live event can tell the console).
    console_stack.stop_process("gateway")
    await expect(page.locator("#connection")).to_have_attribute("data-state", "reconnecting")
    database = Database(console_stack.database_url)
    with database.transaction() as session:
        hand_over(session, conversation_id, "b-2003", "hardship")
    database.dispose()
    console_stack.restart_process("gateway")
    await expect(page.locator("#connection")).to_have_text("Live", timeout=40_000)
    case = page.locator('#queue li[data-reason="hardship"]')
    await expect(case).to_have_count(1)  # reloaded after reconnecting, without a page reload
    await expect(page.locator("#banner")).to_be_hidden()
    assert await page.evaluate("window.__sameDocument") is True

    # A colleague claims it just before this agent's claim reaches the server: 409, shown.
    await case.get_by_role("button").click()
    await expect(page.locator("#case-heading")).to_have_text("Chen Jia")
    colleague = await agent_token(console_stack, http)
    handoff_id = await case.get_attribute("data-handoff-id")
    claim_url = f"{console_stack.gateway}/api/v1/agent/handoffs/{handoff_id}/claim"

    async def colleague_first(route):
        async with http.post(claim_url, headers={"Authorization": f"Bearer {colleague}"}) as answer:
            assert answer.status == 200, await answer.text()
        await route.continue_()

    await page.route("**/api/v1/agent/handoffs/*/claim", colleague_first)
    await page.get_by_role("button", name="Claim").click()
    await expect(page.locator("#banner")).to_be_visible()
    await expect(page.locator("#banner-text")).to_contain_text("Could not claim this case:")
    await expect(page.locator("#case-status")).to_have_text(
        f"Claimed by {OTHER_AGENT}: only they can reply.")
    await expect(case).to_contain_text(f"Claimed by {OTHER_AGENT}")
    for button in ("Claim", "Release to bot", "Close"):
        await expect(page.get_by_role("button", name=button, exact=True)).to_be_disabled()
    await expect(page.locator("#reply")).to_be_disabled()
    assert console.problems == []


async def test_the_case_shows_what_outreach_wrote_and_held_back_and_each_loans_segment(
        console_stack, console, http):
    local = today_in("Asia/Hong_Kong")

    def morning(days: int) -> datetime:  # 11:00 in Hong Kong, night in New York
        return datetime.combine(local + timedelta(days=days), time(11), tzinfo=zone("Asia/Hong_Kong"))

    console_stack.outreach_pass(morning(0))  # D+7 on L-2006: sent
    await Borrower(console_stack, http, "b-2005").say(DISTRESS)
    console_stack.outreach_pass(morning(2))  # D-3 on L-2007: held back, she is with a person
    page = console.page
    await sign_in(page)
    await page.locator("#queue li[data-handoff-id]", has_text="Eva Chan").get_by_role("button").click()
    await expect(page.locator("#case-heading")).to_have_text("Eva Chan")

    reminder = page.locator("#transcript li.from-bot", has_text="L-2006").first
    await expect(reminder.locator(".sender")).to_have_text("Bot · reminder")
    contacts = page.locator("#contacts li")
    await expect(contacts).to_have_count(2)  # newest first
    await expect(contacts.nth(0)).to_contain_text("D-3 · L-2007")
    await expect(contacts.nth(0)).to_contain_text("held back: collection on hold")
    await expect(contacts.nth(1)).to_contain_text("D+7 · L-2006")
    await expect(contacts.nth(1)).to_contain_text("sent")
    await expect(page.locator('#loans [data-loan-id="L-2006"]')).to_contain_text(
        "low risk · low value (plan standard, first offer: pay now)")
    await page.get_by_role("button", name="Claim", exact=True).click()
    await page.get_by_role("button", name="Close", exact=True).click()
    await expect(page.locator("#case-status")).to_contain_text("Closed")
    assert console.problems == []
