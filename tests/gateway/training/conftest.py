"""The trainers' page in a real browser: the gateway alone (the dashboard's, tests/gateway/
dashboard/conftest.py: no Rasa, no action server; the page needs only the review API) on a
PostgreSQL database of its own, holding review items recorded as the actions record them
(bot/training/recording.py) in four languages, for three reasons, at known confidences, one of
them naming its borrower; a trainer, a supervisor and an agent. Debian's Chromium, driven by
Playwright with the console's helpers.
"""
from __future__ import annotations

from dataclasses import dataclass

import aiohttp
import pytest

from bot.auth.agents import add_agent
from bot.db import Database
from tests.builders import borrower, load
from tests.gateway.console.conftest import (  # noqa: F401 - fixtures, shared
    VIEWPORT,
    browser,
    http,
    open_tab,
    require_chromium,
)
from tests.gateway.dashboard.conftest import Gateway
from tests.training.support import chat, day, review

TRAINER, SUPERVISOR, AGENT = "tia.wong", "sam.lee", "mei.lin"
PASSWORD = "training-test-password"
FALLBACK = "nlu_fallback"


@dataclass(frozen=True)
class Said:
    """A review item to record: its name in the tests, its conversation, what the borrower
    wrote with what the bot said around it, why it was recorded, the model's ranking, the day."""

    name: str
    conversation: str
    borrower: str
    before: tuple[str, ...]
    text: str
    after: tuple[str, ...]
    reason: str
    intent: str  # what the bot took it for
    ranking: tuple[tuple[str, float], ...]
    date: int  # of November 2026
    script: str | None = None


INBOX = (
    Said("ben_later", "c-ben-1", "b-ben", ("Hi Ben Ong, your payment of $300.00 is 12 days late.",),
         "this is Ben Ong, can I pay next month instead?", ("Did you mean one of these?",),
         "unsure", FALLBACK,
         ((FALLBACK, 0.7), ("request_deferral", 0.46), ("request_instalment", 0.31),
          ("promise_to_pay", 0.12)), 3),
    Said("ben_card", "c-ben-2", "b-ben", (), "hi, Ben here. they charged my card twice", (),
         "fallback", "out_of_scope",
         (("out_of_scope", 0.55), ("dispute_debt", 0.3), ("explain_charges", 0.1)), 4),
    Said("eve_lawyer", "c-eve-1", "b-eve", (), "i want my lawyer to look at this", (),
         "handoff", "legal_matter", (("legal_matter", 0.88), ("complaint", 0.05)), 5),
    Said("eve_junk", "c-eve-2", "b-eve", (), "asdf qwer", (), "fallback", FALLBACK,
         ((FALLBACK, 0.7), ("greet", 0.15), ("thank", 0.12)), 6),
    Said("wang_later", "c-wang-1", "b-wang", (), "能不能下个月再还", (), "unsure", FALLBACK,
         ((FALLBACK, 0.7), ("request_deferral", 0.52), ("request_instalment", 0.4), ("hardship", 0.2)),
         7, "hans"),
    Said("wang_hotel", "c-wang-2", "b-wang", (), "帮我订个酒店", (), "fallback", "out_of_scope",
         (("out_of_scope", 0.61), ("ask_payment_methods", 0.2)), 8, "hans"),
    Said("lin_split", "c-lin-1", "b-lin", (), "我想分期還款可以嗎", (), "unsure", FALLBACK,
         ((FALLBACK, 0.7), ("request_instalment", 0.38), ("request_deferral", 0.33)), 9, "hant"),
    Said("lin_mixed", "c-lin-2", "b-lin", (), "ok 我下週pay", (), "unsure", FALLBACK,
         ((FALLBACK, 0.7), ("promise_to_pay", 0.29), ("claim_paid", 0.2)), 10, "hant"),
    # No guess at all: predicted as the fallback itself, with no confidence.
    Said("wang_hum", "c-wang-3", "b-wang", (), "嗯嗯嗯", (), "fallback", FALLBACK, ((FALLBACK, 0.7),),
         11, "hans"),
)


def load_inbox(database: Database) -> dict[str, int]:
    """The items of INBOX, by name → id."""
    load(database, borrower("b-ben", "Ben Ong"), borrower("b-eve", "Eve Tan"),
         borrower("b-wang", "王伟", "zh", "Asia/Shanghai"), borrower("b-lin", "林美玲", "zh", "Asia/Taipei"))
    ids = {}
    with database.transaction() as session:
        for said in INBOX:
            chat(session, said.conversation, said.borrower, *[("bot", text) for text in said.before],
                 ("borrower", said.text), *[("bot", text) for text in said.after], script=said.script)
            ids[said.name] = review(session, said.text, conversation_id=said.conversation,
                                    reason=said.reason, intent=said.intent, ranking=said.ranking,
                                    at=day(11, said.date)).id
        add_agent(session, TRAINER, PASSWORD, role="trainer")
        add_agent(session, SUPERVISOR, PASSWORD, role="supervisor")
        add_agent(session, AGENT, PASSWORD)
    return ids


@dataclass
class Inbox:
    gateway: Gateway
    database: Database
    ids: dict[str, int]  # INBOX's names → the items' ids


@pytest.fixture(scope="module")
def training_gateway(postgres_server, tmp_path_factory):
    require_chromium()
    url = postgres_server.create_database()
    database = Database(url)
    database.upgrade()
    ids = load_inbox(database)
    running = Gateway(database_url=url, log_dir=tmp_path_factory.mktemp("training-gateway-logs")).start()
    yield Inbox(running, database, ids)
    running.stop()
    database.dispose()
    postgres_server.drop_database(url)


@pytest.fixture
async def training(training_gateway, browser):  # noqa: F811 - the shared fixture, by name
    """A fresh tab on the trainers' page, signed out, with what went wrong in it."""
    async with open_tab(browser, f"{training_gateway.gateway.gateway}/agent/training", viewport=VIEWPORT,
                        locale="en-US") as tab:
        yield tab


class ReviewApi:
    """The review API as the test reads it: what the page must have done."""

    def __init__(self, gateway: Gateway, http: aiohttp.ClientSession) -> None:  # noqa: F811
        self.gateway, self.http, self.token = gateway, http, ""

    async def sign_in(self, username: str = SUPERVISOR) -> ReviewApi:
        async with self.http.post(f"{self.gateway.gateway}/api/v1/agent/login",
                                  json={"username": username, "password": PASSWORD}) as answer:
            assert answer.status == 200, await answer.text()
            self.token = (await answer.json())["token"]
        return self

    async def listing(self, **query: str) -> tuple[list[dict], int]:
        async with self.http.get(f"{self.gateway.gateway}/api/v1/agent/review", params=query,
                                 headers={"Authorization": f"Bearer {self.token}"}) as answer:
            assert answer.status == 200, await answer.text()
            return await answer.json(), int(answer.headers["X-Total-Count"])

    async def item(self, item_id: int) -> dict:
        async with self.http.get(f"{self.gateway.gateway}/api/v1/agent/review/{item_id}",
                                 headers={"Authorization": f"Bearer {self.token}"}) as answer:
            assert answer.status == 200, await answer.text()
            return await answer.json()


@pytest.fixture
async def review_api(training_gateway, http):  # noqa: F811
    return await ReviewApi(training_gateway.gateway, http).sign_in()


async def sign_in(page, username: str = TRAINER, password: str = PASSWORD) -> None:
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
