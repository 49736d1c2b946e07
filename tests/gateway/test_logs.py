"""The gateway's logs (bot/logs.py): JSON lines, and personal data masked from every record —
realistic records first, then everything the gateway logs during real chats."""
from __future__ import annotations

import io
import json
import logging
import sys

import aiohttp
import pytest
from aiohttp import web

from bot.gateway.access_log import AccessLog
from bot.gateway.app import create_app
from bot.gateway.conversations import Conversations
from bot.gateway.server import GatewayRunner
from bot.logs import (
    MASK,
    JsonFormatter,
    MaskingFilter,
    chosen_format,
    configure_logging,
    mark_sensitive,
    mask,
)
from tests.gateway.support import bearer, closed_port, settings_for, token

JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiLTEwMDEiLCJleHAiOjE3NjcyMjU2MDB9."
       "hS4kq2bP7cR0x_W5t9mZ3aQy8vN1dE6fLgUjKoXiY2c")


def record(message: str, *args, name: str = "bot.gateway.test", exc_info=None, **extra) -> logging.LogRecord:
    made = logging.LogRecord(name, logging.INFO, __file__, 1, message, args or None, exc_info)
    made.__dict__.update(extra)
    return made


def masked(made: logging.LogRecord) -> dict:
    MaskingFilter().filter(made)
    return json.loads(JsonFormatter().format(made))


@pytest.mark.parametrize("raw, kept, gone", [
    ("borrower said 我下个月才能还，我失业了", "borrower said", ["我下个月", "失业"]),
    ("我還欠多少錢？", "", ["還欠"]),
    ("call me on +86 138 0013 8000 tomorrow", "call me on", ["138", "0013", "8000"]),
    ("my number is 9123 4567", "my number is", ["9123", "4567"]),
    ("手机13800138000", "", ["13800138000", "手机"]),
    ("(021) 5555-1234 is the office", "is the office", ["5555"]),
    ("write to ann.lee+loans@example.com.sg please", "please", ["ann.lee", "example.com"]),
    ("ID 110101199003074518, card 4111 1111 1111 1111", "ID", ["110101199003074518", "4111"]),
    (f"GET /api/v1/chat/ws?token={JWT}", "/api/v1/chat/ws", [JWT, "eyJ"]),
    (f"Authorization: Bearer {JWT}", "Authorization: Bearer", [JWT]),
    ("Authorization: Bearer opaque-token_123", "Bearer", ["opaque-token_123"]),
    ('{"password": "hunter2!", "user": "maria"}', "maria", ["hunter2"]),
    ("rasa?token=gateway-test-rasa-token&include_events=NONE", "include_events=NONE",
     ["gateway-test-rasa-token"]),
])
def test_logs_mask_personal_data_in_realistic_messages(raw, kept, gone):
    out = masked(record("%s", raw))["message"]
    assert kept in out
    for part in gone:
        assert part not in out, out


@pytest.mark.parametrize("message", [
    'answered 404 to GET /api/v1/agent/handoffs/42',
    '127.0.0.1 "POST /api/v1/chat" 200 (15234 bytes, 0.012s)',
    "bot unavailable for conversation c535c7fbc06e4158997e8b107a1d1c22: rasa unreachable",
    "review of 2026-01-15: 12 kept, 3 broken; loan L-1001 owes ¥2,160.00",
    "the gateway answers on http://127.0.0.1:8080",
])
def test_logs_keep_what_operators_need(message):
    assert mask(message) == message


def test_logs_mask_the_marked_text_of_a_request_in_any_script():
    mark_sensitive("I lost my job, please call Ann")
    out = masked(record("received %r for %s", "I lost my job, please call Ann", "c-1"))
    assert out["message"] == "received '[text]' for c-1"


def test_logs_mask_exception_text_and_extra_fields():
    try:
        raise ValueError("cannot store 'call me at 9123 4567' for ann@example.com")
    except ValueError:
        made = record("failed", exc_info=sys.exc_info(), text="我下周还", conversation_id="c-9",
                      details={"name": "王伟", "phone": "+86 138 0013 8000", "count": 2})
    out = masked(made)
    assert "ValueError" in out["exception"] and "Traceback" in out["exception"]
    assert "9123" not in out["exception"] and "ann@example.com" not in out["exception"]
    assert out["text"] == MASK and out["conversation_id"] == "c-9"
    assert out["details"] == {"name": MASK, "phone": MASK, "count": 2}


def test_logs_mask_sqlalchemy_parameters_and_statement_errors():
    out = masked(record("[%s] %r", "generated in 0.0001s", ("c-1", "borrower", "pay on friday"),
                        name="sqlalchemy.engine.Engine"))
    assert "pay on friday" not in out["message"]
    error = ("(sqlite3.IntegrityError) NOT NULL constraint failed\n[SQL: INSERT INTO messages]\n"
             "[parameters: ('c-1', 'borrower', 'my name is Ann Lee')]")
    assert "Ann Lee" not in masked(record("%s", error))["message"]


def test_logs_are_json_lines_with_time_level_logger_message_and_extra_fields():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("bot.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        logger.warning("handoff %s opened", 7, extra={"reason": "distress", "priority": 1})
        logger.info("multi\nline")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert set(first) == {"time", "level", "logger", "message", "reason", "priority"}
    assert (first["level"], first["logger"]) == ("WARNING", "bot.test.json")
    assert first["message"] == "handoff 7 opened"
    assert (first["reason"], first["priority"]) == ("distress", 1)
    assert first["time"].endswith("Z") and "T" in first["time"]
    assert second["message"] == "multi\nline"


def test_logs_format_is_text_on_a_terminal_json_elsewhere():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert chosen_format(None, Terminal()) == "text"
    assert chosen_format(None, io.StringIO()) == "json"
    assert chosen_format("TEXT", io.StringIO()) == "text"
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        chosen_format("xml", io.StringIO())


def test_logs_configure_replaces_the_root_handler(monkeypatch):
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    stream = io.StringIO()
    try:
        handler = configure_logging("json", stream=stream)
        assert root.handlers == [handler]
        logging.getLogger("bot.test").info("token=%s", "abc123def")
    finally:
        for current in list(root.handlers):
            root.removeHandler(current)
        for old in saved:
            root.addHandler(old)
        root.setLevel(level)
        logging.captureWarnings(False)
    assert json.loads(stream.getvalue())["message"] == f"token={MASK}"


BORROWER_TEXTS = ["我还欠多少钱", "I lost my job, call me on 9123 4567", "hello from Ann Lee"]


@pytest.fixture
def gateway_log(monkeypatch):
    """Every record any logger writes, at DEBUG (SQLAlchemy's statements too), as the gateway's
    masked JSON lines; with the chat's own code logging the borrower's text, as a careless
    change might."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskingFilter())
    root, engine = logging.getLogger(), logging.getLogger("sqlalchemy.engine")
    levels = root.level, engine.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    engine.setLevel(logging.INFO)
    original = Conversations.add_borrower_message

    async def careless(self, conversation_id: str, text: str):
        logging.getLogger("bot.gateway.conversations").info("storing %r", text)
        return await original(self, conversation_id, text)

    monkeypatch.setattr(Conversations, "add_borrower_message", careless)
    yield stream
    root.removeHandler(handler)
    root.setLevel(levels[0])
    engine.setLevel(levels[1])


async def serve(app: web.Application):
    runner = GatewayRunner(app, access_log_class=AccessLog)  # as `serve` runs it
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


@pytest.mark.parametrize("rasa", ["fake", "unreachable"])
async def test_logs_of_a_chat_never_hold_the_borrower_text(gateway_log, borrowers, fake_rasa, rasa):
    rasa_url = fake_rasa.url if rasa == "fake" else f"http://127.0.0.1:{closed_port()}"
    runner, url = await serve(create_app(settings_for(borrowers.url, rasa_url), borrowers))
    jwt = token("b-2")
    try:
        async with aiohttp.ClientSession() as http:
            for text in BORROWER_TEXTS:
                async with http.post(url + "/api/v1/chat", json={"text": text},
                                     headers=bearer("b-2")) as answer:
                    assert answer.status == (200 if rasa == "fake" else 503)
            async with http.get(url + f"/api/v1/chat/history?token={jwt}",
                                headers={"Authorization": f"Bearer {jwt}"}) as answer:
                assert answer.status == 200
    finally:
        await runner.cleanup()
    lines = [json.loads(line) for line in gateway_log.getvalue().splitlines()]
    written = gateway_log.getvalue()
    assert any(line["logger"] == "aiohttp.access" and line.get("route") == "/api/v1/chat"
               for line in lines)  # the access log was captured, with its fields
    assert any(line["logger"] == "bot.gateway.conversations" for line in lines)  # and the careless one
    assert any(line["logger"].startswith("sqlalchemy") for line in lines)  # and the statements
    for text in BORROWER_TEXTS:
        assert text not in written
        assert json.dumps(text)[1:-1] not in written  # nor escaped
    for part in ("还欠", "lost my job", "9123", "Ann Lee", jwt):
        assert part not in written
