"""Where the time of one message goes, one borrower at a time (no queueing).

Starts the bot as bench/load.py does (one Rasa instance, a throwaway PostgreSQL) and, for each
message of the same short conversation, times side by side: NLU alone (Rasa's /model/parse),
the whole message straight to Rasa (NLU, policies, the action call, the tracker store), the
action server alone on that conversation's tracker (the call Rasa makes, with the whole
tracker and domain), and the whole message through the gateway (its database writes and
checks on top).

    .venv/bin/python bench/message_time.py --repeats 10

Prints the median of each in ms per message of the conversation, and the tracker's size.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import CONVERSATION, ROOT, WEBHOOK, Bot, borrowers

from bot.auth.borrower_tokens import issue_borrower_token
from bot.db import Database
from bot.db.models import Conversation
from tests.builders import load
from tests.postgres import start_server

# What Rasa runs for each message of CONVERSATION (domain rules): the action timed alone.
ACTIONS = {"how much do I owe?": "action_show_balance", "when is it due?": "action_show_due_date",
           "how can I pay?": "action_show_payment_methods", "why is it so much?": "action_explain_charges"}


async def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = await call
    return (time.perf_counter() - started) * 1000, result


async def post(http: aiohttp.ClientSession, url: str, body: object, **options) -> object:
    async with http.post(url, json=body, **options) as answer:
        answer.raise_for_status()
        return await answer.json(content_type=None)


async def one_conversation(http, bot: Bot, database: Database, borrower_id: str, domain: dict,
                           times: dict[str, dict[str, list[float]]]) -> int:
    conversation = f"bench-{uuid.uuid4().hex[:12]}"
    with database.transaction() as session:
        session.add(Conversation(id=conversation, borrower_id=borrower_id))
    rasa, token = bot.rasa_urls[0], {"token": bot.rasa_token}
    auth = {"Authorization": f"Bearer {bot.rasa_token}"}
    borrower_auth = {"Authorization": f"Bearer {issue_borrower_token(bot.jwt_secret, borrower_id)}"}
    tracker: dict = {}
    for text in CONVERSATION:
        row = times.setdefault(text, {})
        ms, _ = await timed(post(http, f"{rasa}/model/parse", {"text": text}, params=token))
        row.setdefault("nlu", []).append(ms)
        body = {"sender": conversation, "message": text, "metadata": {"borrower_id": borrower_id}}
        ms, _ = await timed(post(http, rasa + WEBHOOK, body, headers=auth))
        row.setdefault("direct", []).append(ms)
        if text in ACTIONS:
            async with http.get(f"{rasa}/conversations/{conversation}/tracker", params=token) as answer:
                tracker = await answer.json()
            call = {"next_action": ACTIONS[text], "sender_id": conversation, "tracker": tracker,
                    "domain": domain, "version": "3.6.2"}
            ms, _ = await timed(post(http, f"http://127.0.0.1:{bot.action_port}/webhook", call))
            row.setdefault("action", []).append(ms)
        ms, _ = await timed(post(http, bot.gateway + "/api/v1/chat", {"text": text}, headers=borrower_auth))
        row.setdefault("gateway", []).append(ms)
    return len(json.dumps(tracker))


async def main(args: argparse.Namespace) -> None:
    server = start_server()
    url = server.create_database()
    database = Database(url)
    database.upgrade()
    population = borrowers(args.repeats + 1)
    load(database, *population)
    bot = Bot(url, 1, args.model, Path(tempfile.mkdtemp(prefix="bench-time-")))
    times: dict[str, dict[str, list[float]]] = {}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
            await bot.wait_ready(http)
            async with http.get(bot.rasa_urls[0] + "/domain", params={"token": bot.rasa_token},
                                headers={"Accept": "application/json"}) as answer:
                domain = await answer.json()
            await one_conversation(http, bot, database, population[0].id, domain, {})  # warm-up
            sizes = [await one_conversation(http, bot, database, b.id, domain, times)
                     for b in population[1:]]
    finally:
        bot.stop()
        database.dispose()
        server.stop()
    print(f"{'message':<22} {'NLU':>6} {'action':>7} {'direct':>7} {'gateway':>8}   (median ms, "
          f"{args.repeats} conversations)")
    for text, row in times.items():
        cells = [f"{statistics.median(row[key]):>{width}.1f}" if key in row else f"{'-':>{width}}"
                 for key, width in (("nlu", 6), ("action", 7), ("direct", 7), ("gateway", 8))]
        print(f"{text:<22} {' '.join(cells)}")
    print("tracker sent to the action server at the end of a conversation: "
          f"{statistics.median(sizes):,.0f} bytes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    asyncio.run(main(parser.parse_args()))
