"""The demo chat in Chromium, against the whole bot: a newcomer picks a demo borrower and chats
as the wallet app would show it, through the real chat API. The balance comes with its exact
amount; a button is tapped; Traditional is answered in Traditional; a person takes the chat
over from the agent API and their replies arrive live, markup shown as text; after a dropped
connection the page reconnects; a message too long is refused with a clear line.

The bot's wordings change as the dialogue grows: only what is stable is checked (amounts,
buttons being there and working, who says what, the script, the status)."""
from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect

from bot.language import to_traditional
from bot.loans.demo import DEMO
from tests.gateway.demo.conftest import Agent

pytestmark = pytest.mark.conversation

ANSWER_MS = 45_000  # Rasa's first answers, on a busy machine
HOSTILE = ("<img src=x onerror=\"window.__xss = 'img'\"><script>window.__xss = 'script'</script>"
           " & <b>粗体</b>")


def borrower_button(page, borrower_id: str):
    return page.locator(f'button.borrower[data-borrower-id="{borrower_id}"]')


def messages(page, sender: str):
    return page.locator(f'#transcript li[data-from="{sender}"]:not(.pending)')


async def pick(page, borrower_id: str, name: str) -> None:
    await borrower_button(page, borrower_id).click()
    await expect(page.locator("#chat-title")).to_have_text(name)
    await expect(page.locator("#connection")).to_have_attribute("data-state", "live", timeout=ANSWER_MS)


async def say(page, text: str) -> None:
    """Types and sends (Enter), then waits for the answer: the message in the transcript, as
    the history has it, and the box free again."""
    sent = await messages(page, "borrower").count()
    await page.locator("#message").fill(text)
    await page.locator("#message").press("Enter")
    await expect(messages(page, "borrower")).to_have_count(sent + 1, timeout=ANSWER_MS)
    await expect(page.locator("#send")).to_be_enabled(timeout=ANSWER_MS)


async def test_a_newcomer_picks_wang_wei_asks_the_balance_taps_a_button_and_writes_traditional(
        demo_stack, phone):
    page = phone.page
    # The picker: the demo borrowers from the database, each with language, currency, days.
    wang = borrower_button(page, "b-1001")
    await expect(wang).to_contain_text("王伟")
    await expect(wang).to_contain_text("中文")
    await expect(wang).to_contain_text("CNY")
    await expect(wang.locator(".due")).to_have_attribute("data-days-past-due", "39")
    await expect(page.locator("button.borrower")).to_have_count(len(DEMO))
    await expect(borrower_button(page, "b-2001")).to_contain_text("English")
    await expect(borrower_button(page, "b-1005").locator(".due")).to_have_text("up to date")

    await pick(page, "b-1001", "王伟")
    await expect(page.locator("html")).to_have_attribute("lang", "zh")
    await expect(page.locator("#status")).to_have_attribute("data-status", "bot")
    await expect(page.locator("#send")).to_have_text("发送")

    await say(page, "我还欠多少钱")
    await expect(messages(page, "borrower").last.locator(".bubble")).to_have_text("我还欠多少钱")
    # The answer ends with what clears everything today (every bill: 3,000 + 150 + 50) after
    # what is overdue (2,000 + 110 + 50).
    answer = messages(page, "bot").last
    await expect(answer).to_contain_text("¥3,200.00", timeout=ANSWER_MS)
    overdue = messages(page, "bot").filter(has_text="¥2,160.00").last
    await expect(overdue).to_be_visible()
    # The sender is named once, on the first message of the bot's run of messages.
    await expect(overdue.locator(".sender")).to_have_text("还款助手")
    simplified = await answer.locator(".bubble").text_content()

    # Buttons: shown on the bot's latest message, tappable; a tap sends the payload (shown as
    # the button's title) and the bot answers it.
    await say(page, "你好")
    greeting = messages(page, "bot").nth(await messages(page, "bot").count() - 1)
    offered = greeting.locator("button.quick-reply")
    await expect(offered.first).to_be_visible(timeout=ANSWER_MS)
    await expect(offered.first).to_be_enabled()
    balance = greeting.locator('button.quick-reply[data-payload="/ask_balance"]')
    button = balance if await balance.count() else offered.first
    title, payload = await button.text_content(), await button.get_attribute("data-payload")
    bot_messages = await messages(page, "bot").count()
    await button.click()
    await expect(messages(page, "borrower").last.locator(".bubble")).to_have_text(title)
    await expect(page.locator("#send")).to_be_enabled(timeout=ANSWER_MS)
    assert await messages(page, "bot").count() > bot_messages
    if payload == "/ask_balance":
        await expect(messages(page, "bot").last).to_contain_text("¥3,200.00")
    # The buttons answered are no longer live: only the latest message's are.
    await expect(greeting.locator("button.quick-reply:enabled")).to_have_count(0)

    # Traditional in, Traditional out, as written; the same answer otherwise.
    await say(page, "我還欠多少錢")
    await expect(messages(page, "borrower").last.locator(".bubble")).to_have_text("我還欠多少錢")
    traditional = messages(page, "bot").last
    await expect(traditional).to_contain_text("¥3,200.00", timeout=ANSWER_MS)
    assert to_traditional(simplified) != simplified
    await expect(traditional.locator(".bubble")).to_have_text(to_traditional(simplified))

    # A reload comes back to the same chat, from the history.
    shown = await page.locator("#transcript li[data-from]").count()
    await page.reload()
    await expect(page.locator("#chat-title")).to_have_text("王伟")
    await expect(page.locator("#transcript li[data-from]")).to_have_count(shown)
    await expect(messages(page, "borrower").first.locator(".bubble")).to_have_text("我还欠多少钱")
    assert phone.problems == []


async def test_an_agents_replies_arrive_live_and_markup_stays_text(demo_stack, phone, http):
    page = phone.page
    await pick(page, "b-1002", "李娜")
    await page.evaluate("window.__sameDocument = true")  # gone if the page were reloaded

    await say(page, "转人工")
    await expect(page.locator("#status")).to_have_attribute("data-status", "handoff", timeout=ANSWER_MS)
    await expect(page.locator("#status")).to_have_text("工作人员正在为您服务")

    agent = await Agent(demo_stack, http).sign_in()
    handoff = await agent.open_handoff_of("b-1002")
    await agent.claim(handoff)
    await agent.reply(handoff, HOSTILE)
    reply = messages(page, "agent").last
    await expect(reply.locator(".bubble")).to_have_text(HOSTILE)  # as text, not as markup
    await expect(reply.locator(".sender")).to_have_text("人工客服")
    assert await page.locator("#transcript img, #transcript script, #transcript b").count() == 0
    assert await page.evaluate("window.__xss") is None

    await agent.reply(handoff, "李女士您好，我是 Maria。\n我们看看怎么帮您。")
    await expect(messages(page, "agent")).to_have_count(2)
    await expect(messages(page, "agent").last.locator(".bubble")).to_have_text(
        "李女士您好，我是 Maria。\n我们看看怎么帮您。")

    # The borrower's own markup goes to the person as it was typed, and shows as typed.
    await say(page, "<b>不是粗体</b> & <i>")
    await expect(messages(page, "borrower").last.locator(".bubble")).to_have_text("<b>不是粗体</b> & <i>")

    # Released to the bot: its greeting arrives live and the status line follows.
    bot_messages = await messages(page, "bot").count()
    await agent.release(handoff)
    await expect(messages(page, "bot")).to_have_count(bot_messages + 1, timeout=ANSWER_MS)
    await expect(page.locator("#status")).to_have_attribute("data-status", "bot")
    assert await page.evaluate("window.__sameDocument") is True
    assert phone.problems == []


async def test_after_a_dropped_connection_the_page_reconnects_and_follows_again(demo_stack, phone, http):
    page = phone.page
    await pick(page, "b-1003", "張志明")
    await say(page, "转人工")
    await expect(page.locator("#status")).to_have_attribute("data-status", "handoff", timeout=ANSWER_MS)
    agent = await Agent(demo_stack, http).sign_in()
    handoff = await agent.open_handoff_of("b-1003")
    await agent.claim(handoff)

    await asyncio.to_thread(demo_stack.stop_process, "gateway")
    await expect(page.locator("#connection")).to_have_attribute("data-state", "reconnecting")
    await asyncio.to_thread(demo_stack.restart_process, "gateway")
    await expect(page.locator("#connection")).to_have_attribute("data-state", "live", timeout=ANSWER_MS)

    await agent.reply(handoff, "張先生您好，我在。")
    await expect(messages(page, "agent").last.locator(".bubble")).to_have_text("張先生您好，我在。")
    await page.evaluate("window.__sameDocument = true")

    # Closed by the agent: what was said stays, the closing words arrive, and the borrower's
    # next message starts a new conversation with the bot, on the same socket.
    bot_messages = await messages(page, "bot").count()
    await agent.close(handoff)
    await expect(page.locator("#transcript li.divider")).to_have_count(1, timeout=ANSWER_MS)
    await expect(page.locator("#status")).to_have_attribute("data-status", "bot")
    await expect(messages(page, "bot")).to_have_count(bot_messages + 1)  # the closing words
    await expect(messages(page, "agent").last.locator(".bubble")).to_have_text("張先生您好，我在。")
    await say(page, "我还欠多少钱")
    await expect(messages(page, "bot").last).to_contain_text("8,410.00", timeout=ANSWER_MS)  # a new chat
    assert await page.evaluate("window.__sameDocument") is True
    assert [p for p in phone.problems if "script error" in p] == []


async def test_a_message_too_long_gets_a_clear_line_and_stays_in_the_box(demo_stack, phone):
    page = phone.page
    await pick(page, "b-2002", "John Lee")
    await expect(page.locator("#message")).to_have_attribute("placeholder", "Type a message")
    text = "a" * 2001
    await page.locator("#message").fill(text)
    await page.locator("#send").click()
    await expect(page.locator("#error")).to_have_text(
        "That message is too long: 2,000 characters at most.")
    await expect(page.locator("#message")).to_have_value(text)
    await expect(messages(page, "borrower")).to_have_count(0)  # the gateway kept nothing
    assert phone.problems == []
