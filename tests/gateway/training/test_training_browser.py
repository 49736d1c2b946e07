"""The trainers' page in Chromium, against the gateway on PostgreSQL: a trainer signs in, filters
the inbox by language, sorts it by confidence, reads a message in its conversation (its
borrower's name masked), relabels one, accepts a suggestion on another, discards two at once,
and the API then reports each settled as done; the labels and the intents' names switch to
Chinese. Keys settle too; a 409 (exported), a 400 and the network down each say so, and lose
nothing. A trainer finds the page from the console; an agent is told it needs the role.
Nothing is blocked by the page's Content-Security-Policy and no script fails."""
from __future__ import annotations

import pytest
from playwright.async_api import expect
from sqlalchemy import update

from bot.db.models import ReviewItem
from tests.gateway.console.conftest import RESULTS
from tests.gateway.training.conftest import AGENT, SUPERVISOR, TRAINER, sign_in

pytestmark = pytest.mark.conversation

ENGLISH = ("ben_later", "ben_card", "eve_lawyer", "eve_junk")


def rows(page):
    return page.locator("#rows tr")


def row(page, item_id: int):
    return page.locator(f'#rows tr[data-id="{item_id}"]')


async def shown_ids(page) -> list[int]:
    return [int(one) for one in await rows(page).evaluate_all("(rows) => rows.map((row) => row.dataset.id)")]


async def test_a_trainer_filters_sorts_reads_and_settles(training, training_gateway, review_api):
    page, ids = training.page, training_gateway.ids
    await sign_in(page)
    await expect(page.locator("#training-view")).to_be_visible()
    await expect(page.locator("#whorole")).to_have_text("Trainer")
    everything, total = await review_api.listing(limit="100")
    await expect(page.locator("#status")).to_have_text(f"1–{total} of {total}")
    assert await shown_ids(page) == [item["id"] for item in everything]  # oldest first
    # Ben's name is in two of his messages and in what the bot said: never on the page.
    await expect(page.locator("#training-view")).not_to_contain_text("Ben")
    await expect(row(page, ids["ben_later"]).locator(".text")).to_have_text(
        "this is [name], can I pay next month instead?")
    await expect(row(page, ids["ben_later"]).locator(".intent-name")).to_have_text("Asks to pay later")
    await expect(row(page, ids["ben_later"]).locator("meter")).to_have_attribute("value", "0.46")
    await expect(row(page, ids["wang_hum"]).locator(".confidence")).to_have_text("—")

    # English only, then the least confident first: the API's order for the same query.
    await page.locator("#f-language").select_option("en")
    await expect(page.locator("#status")).to_have_text("1–4 of 4")
    await expect(rows(page).locator(".language")).to_have_text(["English"] * 4)
    await page.locator("#f-sort").select_option("confidence")
    expected, _ = await review_api.listing(language="en", sort="confidence")
    assert [item["id"] for item in expected] == [ids[name] for name in (
        "eve_junk", "ben_later", "ben_card", "eve_lawyer")]
    await expect(rows(page).first).to_have_attribute("data-id", str(ids["eve_junk"]))
    assert await shown_ids(page) == [item["id"] for item in expected]

    # A message in its conversation, masked, with the model's suggestions.
    await row(page, ids["ben_later"]).locator(".text").click()
    context = page.locator("#context li")
    await expect(context.locator(".words")).to_have_text([
        "Hi [name], your payment of [amount] is 12 days late.",
        "this is [name], can I pay next month instead?", "Did you mean one of these?"])
    await expect(page.locator("#context li.focus .who")).to_contain_text("Borrower · 2026-11-03 12:00")
    await expect(page.locator("#suggestions button")).to_have_count(3)
    await expect(page.locator("#suggestions button").first).to_contain_text("Asks to pay later")
    await expect(page.locator("#settle-correct")).to_have_text("Correct: Asks to pay later")
    RESULTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(RESULTS / "training.png"), full_page=True)

    # Relabel one; accept a suggestion on another; discard two at once.
    await row(page, ids["ben_card"]).click()
    await page.locator("#relabel-intent").select_option("dispute_debt")
    await page.locator("#settle-relabel").click()
    await expect(row(page, ids["ben_card"]).locator(".outcome")).to_have_text("Settled: Disputes the debt")
    await row(page, ids["ben_later"]).click()
    await page.locator('#suggestions button[data-intent="request_deferral"]').click()
    await expect(row(page, ids["ben_later"]).locator(".outcome")).to_have_text("Settled: Asks to pay later")
    for name in ("eve_junk", "eve_lawyer"):
        await row(page, ids[name]).locator("input[type=checkbox]").check()
    await expect(page.locator("#checked-count")).to_have_text("2 ticked")
    await page.locator("#bulk-discard").click()
    for name in ("eve_junk", "eve_lawyer"):
        await expect(row(page, ids[name]).locator(".outcome")).to_have_text("Discarded")
    await expect(page.locator("#checked-count")).to_have_text("0 ticked")
    await expect(page.locator("#banner")).to_be_hidden()

    settled = {name: await review_api.item(ids[name]) for name in ENGLISH}
    assert {name: (item["status"], item["intent"], item["discarded"], item["settled_how"], item["settled_by"])
            for name, item in settled.items()} == {
        "ben_card": ("settled", "dispute_debt", False, "intent", TRAINER),
        "ben_later": ("settled", "request_deferral", False, "intent", TRAINER),
        "eve_junk": ("settled", None, True, "discard", TRAINER),
        "eve_lawyer": ("settled", None, True, "discard", TRAINER),
    }
    assert (await review_api.listing(language="en"))[1] == 0  # nothing of them left open
    await page.locator("#refresh").click()
    await expect(page.locator("#empty")).to_be_visible()

    # 中文: every label, and the intents' names, in the rows, the suggestions and the choices.
    await page.get_by_role("button", name="中文").click()
    await expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    await expect(page.locator("#inbox-heading")).to_have_text("待审消息")
    await page.locator("#f-language").select_option("zh_hans")
    await expect(page.locator("#status")).to_have_text("第 1–3 条，共 3 条")
    wang = row(page, ids["wang_later"])
    await expect(wang.locator(".intent-name")).to_have_text("申请延期还款")
    await expect(wang.locator(".language")).to_have_text("简体中文")
    await expect(wang.locator(".outcome")).to_have_text("待处理")
    await expect(row(page, ids["wang_hum"]).locator(".intent-name")).to_have_text("无法判断（兜底）")
    await wang.click()
    await expect(page.locator("#suggestions button").nth(1)).to_contain_text("申请分期还款")
    await expect(page.locator("#settle-correct")).to_have_text("预测正确：申请延期还款")
    await expect(page.locator('#relabel-intent option[value="dispute_debt"]')).to_have_text(
        "对欠款有异议 (dispute_debt)")
    await expect(page.locator('#f-intent option[value="nlu_fallback"]')).to_have_text(
        "无法判断（兜底） (nlu_fallback)")
    await page.reload()  # the sign-in and the language outlive a reload
    await expect(page.locator("#inbox-heading")).to_have_text("待审消息")
    await page.get_by_role("button", name="English").click()
    await expect(page.locator("#inbox-heading")).to_have_text("Messages to review")
    assert training.problems == []


async def test_keys_and_errors_lose_nothing(training, training_gateway, review_api):
    page, ids = training.page, training_gateway.ids
    await sign_in(page)
    await page.locator("#f-language").select_option("mixed")
    await expect(page.locator("#status")).to_have_text("1–1 of 1")
    await page.keyboard.press("j")  # the first message
    await expect(row(page, ids["lin_mixed"])).to_have_class("item status-open current")
    await expect(page.locator("#suggestions button").first).to_contain_text("Promises to pay")
    await page.keyboard.press("1")
    await expect(row(page, ids["lin_mixed"]).locator(".outcome")).to_have_text("Settled: Promises to pay")
    assert (await review_api.item(ids["lin_mixed"]))["intent"] == "promise_to_pay"

    # Exported as request_instalment already: settling it otherwise is a 409, said, nothing changed.
    with training_gateway.database.transaction() as session:
        session.execute(update(ReviewItem).where(ReviewItem.id == ids["lin_split"]).values(
            status="settled", intent="request_instalment", settled_how="intent", settled_by=SUPERVISOR,
            export_status="written"))
    await page.locator("#f-status").select_option("all")
    await page.locator("#f-language").select_option("zh_hant")
    await page.locator("#f-from").fill("2026-11-09")
    await page.locator("#f-to").fill("2026-11-09")
    await expect(page.locator("#status")).to_have_text("1–1 of 1")
    lin = row(page, ids["lin_split"])
    await expect(lin.locator(".outcome")).to_have_text("Settled: Asks for instalments · in the training data")
    await lin.click()
    await page.keyboard.press("d")
    await expect(page.locator("#banner-text")).to_contain_text(
        "Not settled: already in the training data, under another intent; change it in data/nlu")
    await expect(lin.locator(".outcome")).to_have_text("Settled: Asks for instalments · in the training data")
    assert (await review_api.item(ids["lin_split"]))["discarded"] is False

    # A 400: the model had no guess to confirm; the ticks stay.
    await page.locator("#f-from").fill("")
    await page.locator("#f-to").fill("")
    await page.locator("#f-status").select_option("open")
    await page.locator("#f-language").select_option("zh_hans")
    await expect(page.locator("#status")).to_have_text("1–3 of 3")
    hum, hotel = row(page, ids["wang_hum"]), row(page, ids["wang_hotel"])
    await hum.click()
    await expect(page.locator("#settle-correct")).to_be_disabled()  # no intent to confirm
    await page.locator("#check-all").check()
    await expect(page.locator("#checked-count")).to_have_text("3 ticked")
    await page.locator("#bulk-correct").click()
    await expect(page.locator("#banner-text")).to_contain_text(
        f"Not settled: the prediction of review item {ids['wang_hum']} is no intent to confirm")
    await expect(page.locator("#checked-count")).to_have_text("3 ticked")
    await page.locator("#check-all").uncheck()

    # The network down: said, the tick and the chosen intent stay; once back, it goes through.
    await hotel.locator("input[type=checkbox]").check()
    await page.locator("#bulk-intent").select_option("ask_payment_methods")
    await page.route("**/api/v1/agent/review**", lambda route: route.abort())
    await page.locator("#bulk-relabel").click()
    await expect(page.locator("#banner-text")).to_have_text(
        "The server cannot be reached: nothing was settled. Check the network and try again; "
        "your choices are still here.")
    await expect(hotel.locator("input[type=checkbox]")).to_be_checked()
    await expect(page.locator("#bulk-intent")).to_have_value("ask_payment_methods")
    await expect(hotel.locator(".outcome")).to_have_text("Open")
    await page.unroute("**/api/v1/agent/review**")
    await page.locator("#bulk-relabel").click()
    await expect(hotel.locator(".outcome")).to_have_text("Settled: Asks how to pay")
    await expect(page.locator("#banner")).to_be_hidden()
    assert (await review_api.item(ids["wang_hotel"]))["intent"] == "ask_payment_methods"
    assert training.problems == []


async def test_the_way_in_for_each_role(training, training_gateway):
    page, base = training.page, training_gateway.gateway.gateway
    # An agent: the page needs the trainer's or supervisor's role.
    await sign_in(page, AGENT)
    await expect(page.locator("#no-access-view")).to_be_visible()
    await expect(page.locator("#no-access-text")).to_contain_text("the agent role cannot review messages")
    await expect(page.locator("#rows tr")).to_have_count(0)
    await page.get_by_role("button", name="Sign out").click()

    # A trainer in the console: no cases, and the way to the review inbox, signed in.
    await page.goto(f"{base}/agent")
    await sign_in(page, TRAINER)
    await expect(page.locator("#no-access-view")).to_be_visible()
    await expect(page.get_by_role("link", name="Review inbox", exact=True)).to_be_visible()
    await expect(page.get_by_role("link", name="Dashboard")).to_be_hidden()
    await page.get_by_role("link", name="Open the review inbox").click()
    await expect(page).to_have_url(f"{base}/agent/training")
    await expect(page.locator("#training-view")).to_be_visible()
    await expect(page.locator("#whoami")).to_have_text(TRAINER)
    await expect(page.locator("#dashboard-link")).to_be_hidden()
    await page.get_by_role("link", name="Agent console").click()
    await page.get_by_role("button", name="Sign out").click()

    # A supervisor: both links in the console, and the dashboard's from here.
    await sign_in(page, SUPERVISOR)
    await expect(page.locator("#console-view")).to_be_visible()
    await expect(page.locator("#no-access-training")).to_be_hidden()
    await page.get_by_role("link", name="Review inbox", exact=True).click()
    await expect(page.locator("#training-view")).to_be_visible()
    await expect(page.locator("#whorole")).to_have_text("Supervisor")
    await expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    assert training.problems == []
