"""Rasa's own HTTP API, as the trained model serves it: behind its token, with the project's
entity layer giving normalised values (CONTRACT §1–§2)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest

from bot.clock import today_in

pytestmark = pytest.mark.conversation


def parse(stack, text: str, token: str | None = None) -> tuple[int, dict]:
    query = f"?token={token}" if token else ""
    request = urllib.request.Request(
        f"{stack.rasa}/model/parse{query}", data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def values(result: dict) -> list[tuple[str, str | None]]:
    return [(entity["entity"], entity["value"]) for entity in result["entities"]]


def test_the_api_needs_its_token(stack):
    assert parse(stack, "hi")[0] == 401
    assert parse(stack, "hi", "wrong-token")[0] == 401


@pytest.mark.parametrize("text, expected", [
    ("三千五", [("amount", "3500")]),
    ("能不能延期两周", [("duration_days", "14")]),
    ("分6期", [("instalments", "6")]),
    ("I can pay 3.5k", [("amount", "3500")]),
    ("six monthly payments", [("instalments", "6")]),
])
def test_values_are_normalised(stack, text, expected):
    status, result = parse(stack, text, stack.rasa_token)
    assert status == 200
    assert values(result) == expected


def test_relative_dates_resolve_against_today(stack):
    tomorrow = today_in("Asia/Shanghai") + timedelta(days=1)  # the configured default zone
    _, result = parse(stack, "明天还500", stack.rasa_token)
    assert sorted(values(result)) == [("amount", "500"), ("date", tomorrow.isoformat())]


def test_a_date_that_does_not_exist_is_marked_not_guessed(stack):
    _, result = parse(stack, "2月30日还", stack.rasa_token)
    [date] = result["entities"]
    assert (date["entity"], date["value"], date["problem"]) == ("date", None, "no_such_date")


@pytest.mark.parametrize("text, intent", [
    ("how much do I owe?", "ask_balance"),
    ("我还欠多少钱", "ask_balance"),
    ("我還欠多少錢", "ask_balance"),
    ("帮我订个酒店", "out_of_scope"),
])
def test_intents(stack, text, intent):
    assert parse(stack, text, stack.rasa_token)[1]["intent"]["name"] == intent
