"""The agents' side of a handoff (CONTRACT §5): the queue, a case with its transcript, claim,
write to the borrower, release to the bot, close; and the agents' live feed.

The domain rules (who may do what, when) are bot/handoffs/casework.py's; this module runs them in a
transaction, tells the borrower's and the agents' live channels, and audits refusals.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot import audit
from bot.gateway.agent.auth import authenticate_agent
from bot.gateway.conversations import agent_event
from bot.gateway.errors import ApiError
from bot.gateway.inbound import parse_chat_body
from bot.gateway.keys import CONVERSATIONS, DATABASE, LOCKS, RASA, RESPONSES
from bot.gateway.live.agent_feed import AGENTS, handoff_changed, message_added
from bot.gateway.live.borrower_feed import agent_said, bot_said
from bot.gateway.live.socket import stream
from bot.gateway.outbound import ChatMessage, in_script, rendered, replies_from_rasa
from bot.gateway.rasa_client import BotUnavailable
from bot.handoffs import casework

logger = logging.getLogger(__name__)

STATUS_WORDS = {"open": ("open",), "claimed": ("claimed",), "closed": ("closed",),
                "active": ("open", "claimed")}
BOT_UNREACHABLE = "the bot is unreachable, so the conversation stays with you; try again shortly"


async def list_handoffs(request: web.Request) -> web.Response:
    agent = (await authenticate_agent(request)).username
    statuses = _statuses(request)
    return web.json_response(await request.app[DATABASE].run(_queue, statuses, agent))


async def get_handoff(request: web.Request) -> web.Response:
    agent = (await authenticate_agent(request)).username
    return web.json_response(await _act(request, _case_with_transcript, _handoff_id(request), agent))


async def claim(request: web.Request) -> web.Response:
    agent = (await authenticate_agent(request)).username
    case = await _act(request, _as_json(casework.claim), _handoff_id(request), agent)
    await handoff_changed(request.app, case)
    return web.json_response(case)


async def post_message(request: web.Request) -> web.Response:
    agent = (await authenticate_agent(request)).username
    text = parse_chat_body(await request.read())
    case, message = await _act(request, _reply, _handoff_id(request), agent, text)
    app = request.app
    await agent_said(app, case["borrower_id"], text)
    await message_added(app, case, message)
    return web.json_response(message, status=201)


async def release(request: web.Request) -> web.Response:
    """Resumes Rasa first: if the bot cannot take the conversation, the agent keeps it."""
    agent, handoff_id = (await authenticate_agent(request)).username, _handoff_id(request)
    case = await _act(request, _as_json(casework.check_can_end), handoff_id, agent, "release")
    conversation_id = case["conversation_id"]
    app = request.app
    async with app[LOCKS](("conversation", conversation_id)):  # no borrower message between
        try:
            await app[RASA].resume(conversation_id)
        except BotUnavailable as error:
            await _audit(app, agent, "handoff_release_failed", case, {"why": str(error)})
            raise ApiError(503, BOT_UNREACHABLE) from None
        case = await _act(request, _as_json(casework.release), handoff_id, agent)
        await _say(app, case, await _greeting(app, case, agent))
    await handoff_changed(app, case)
    return web.json_response(case)


async def close(request: web.Request) -> web.Response:
    agent = (await authenticate_agent(request)).username
    case = await _act(request, _as_json(casework.close), _handoff_id(request), agent)
    closing = rendered(request.app[RESPONSES], casework.CLOSING, case["language"], case["script"])
    await _say(request.app, case, [closing])
    await handoff_changed(request.app, case)
    return web.json_response(case)


async def agent_socket(request: web.Request) -> web.WebSocketResponse:
    agent = await authenticate_agent(request)
    await request.app[DATABASE].run(_audit_connected, agent.username)
    return await stream(request, AGENTS, b"reload the queue", expires_at=agent.expires_at)


# --- in a transaction ------------------------------------------------------------------------


def _queue(session: Session, statuses: tuple[str, ...], agent: str) -> list[dict]:
    cases = [case.as_json() for case in casework.queue(session, statuses)]
    audit.record(session, audit.agent(agent), "agent_listed_handoffs",
                 details={"status": list(statuses), "count": len(cases)})
    return cases


def _case_with_transcript(session: Session, handoff_id: int, agent: str) -> dict:
    case = casework.case(session, handoff_id).as_json()
    case["transcript"] = [agent_event(m) for m in casework.transcript(session, case["conversation_id"])]
    audit.record(session, audit.agent(agent), "agent_viewed_handoff", borrower_id=case["borrower_id"],
                 conversation_id=case["conversation_id"], details={"handoff_id": handoff_id})
    return case


def _reply(session: Session, handoff_id: int, agent: str, text: str) -> tuple[dict, dict]:
    case, message = casework.reply(session, handoff_id, agent, text)
    return case.as_json(), agent_event(message)


def _as_json(transition: Callable[..., casework.CaseView]) -> Callable[..., dict]:
    def run(session: Session, *args: Any) -> dict:
        return transition(session, *args).as_json()  # inside the session: nothing detached
    return run


def _audit_connected(session: Session, agent: str) -> None:
    audit.record(session, audit.agent(agent), "agent_feed_connected")


# --- helpers ---------------------------------------------------------------------------------


async def _act(request: web.Request, work: Callable[..., Any], handoff_id: int, agent: str,
               *args: Any) -> Any:
    try:
        return await request.app[DATABASE].run(work, handoff_id, agent, *args)
    except casework.CaseNotFound:
        raise ApiError(404, "no such handoff") from None
    except casework.CaseConflict as conflict:
        await request.app[DATABASE].run(_audit_refusal, agent, handoff_id, conflict)
        raise ApiError(409, conflict.why) from None


def _audit_refusal(session: Session, agent: str, handoff_id: int, conflict: casework.CaseConflict) -> None:
    audit.record(session, audit.agent(agent), "handoff_action_refused",
                 borrower_id=conflict.borrower_id, conversation_id=conflict.conversation_id,
                 details={"handoff_id": handoff_id, "why": conflict.why})


async def _audit(app: web.Application, agent: str, action: str, case: dict, details: dict) -> None:
    await app[DATABASE].run(lambda session: audit.record(
        session, audit.agent(agent), action, borrower_id=case["borrower_id"],
        conversation_id=case["conversation_id"], details={"handoff_id": case["id"], **details}))


async def _greeting(app: web.Application, case: dict, agent: str) -> list[ChatMessage]:
    """The bot's words on taking the conversation back; none if Rasa fails now (it is resumed
    already, so the borrower's next message is answered)."""
    try:
        answer = await app[RASA].greet_back(case["conversation_id"])
    except BotUnavailable as error:
        logger.warning("no greeting after release of handoff %s: %s", case["id"], error)
        await _audit(app, agent, "handoff_greeting_failed", case, {"why": str(error)})
        return []
    return [in_script(reply, case["script"]) for reply in replies_from_rasa(answer)]


async def _say(app: web.Application, case: dict, replies: list[ChatMessage]) -> None:
    """Keeps what the bot says and sends it to the borrower and the agents live."""
    for reply in replies:
        message = await app[CONVERSATIONS].add_bot_message(case["conversation_id"], reply)
        await bot_said(app, case["borrower_id"], reply)
        await message_added(app, case, message)


def _handoff_id(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise ApiError(404, "no such handoff")
    return int(raw)


def _statuses(request: web.Request) -> tuple[str, ...]:
    words = [w.strip() for value in request.query.getall("status", ["active"]) for w in value.split(",")]
    unknown = [w for w in words if w not in STATUS_WORDS]
    if unknown or not words:
        raise ApiError(400, "status must be open, claimed, closed or active (open and claimed), "
                            "or several of these separated by commas")
    return tuple(dict.fromkeys(s for w in words for s in STATUS_WORDS[w]))
