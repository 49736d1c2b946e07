"""The borrower chat API (CONTRACT §4): send a message, read the history, follow live."""
from __future__ import annotations

import logging
from contextlib import AsyncExitStack

from aiohttp import web

from bot.gateway.borrower.auth import (
    authenticate,
    authenticate_socket,
    signed_subject,
    unknown_borrower,
)
from bot.gateway.conversations import ConversationRef, Received
from bot.gateway.errors import ApiError
from bot.gateway.inbound import parse_chat_body, text_for_rasa
from bot.gateway.keys import BACKLOG, CHAT_RATE, CONVERSATIONS, LOCKS, RASA, RESPONSES
from bot.gateway.live.agent_feed import handoff_changed, message_added
from bot.gateway.live.borrower_feed import borrower_channel, bot_said
from bot.gateway.live.socket import stream
from bot.gateway.locks import LockUnavailable
from bot.gateway.outbound import ChatMessage, in_script, rendered, replies_from_rasa
from bot.gateway.rasa_client import BotUnavailable
from bot.gateway.rate_limit import retry_after
from bot.handoffs.opening import HOLDING

logger = logging.getLogger(__name__)

BOT_UNAVAILABLE = (
    "the assistant is temporarily unavailable; your message is kept and will be answered"
)
# Beyond the borrower's rate (429): nothing was kept, so the app must send it again.
TOO_FAST = (
    "too many messages in a short time: this message was not kept; send it again in {wait}"
)
# Beyond the gateway's backlog (503): kept, as on every 503 of the chat (CONTRACT §4), and
# sent to the bot before the borrower's next message.
BUSY = (
    "the assistant is busy; your message is kept (do not send it again) and will be answered, "
    "in order, when you next write, in {wait} or later"
)
BUSY_RETRY_SECONDS = 5  # twice what a full backlog (100) takes to drain at one Rasa's pace (about 40/s)
# Redis down (the conversation's shared lock, Rasa's lock store) (503): kept likewise, and sent
# to the bot, in order, with the borrower's next message once Redis is back.
LOCKS_DOWN = (
    "the assistant is temporarily unavailable; your message is kept (do not send it again) and "
    "will be answered, in order, when you next write, in {wait} or later"
)
LOCKS_DOWN_RETRY_SECONDS = 5  # the supervisor starts a crashed redis-server again within seconds


async def post_chat(request: web.Request) -> web.Response:
    app = request.app
    borrower_id = signed_subject(request)  # an unknown borrower: `current_conversation`'s 401
    text = parse_chat_body(await request.read())  # over client_max_size: aiohttp's 413
    await _within_rate(app, borrower_id)  # beyond it, a 429 before anything is kept
    conversation = await current_conversation(app, borrower_id)
    # Admitted, it counts as in flight from here, while it waits for its turn and for Rasa.
    if app[BACKLOG].try_enter():
        try:
            status, replies = await _converse(app, conversation, borrower_id, text)
        finally:
            app[BACKLOG].leave()
    else:
        logger.info("backlog full (%d in flight): a message of conversation %s waits for the next",
                    app[BACKLOG].depth, conversation.id)
        status, replies = await _keep_for_later(app, conversation, text, _busy(conversation))
    return web.json_response({
        "conversation_id": conversation.id,
        "status": status,
        "messages": [reply.as_json() for reply in replies],
    })


async def _converse(
    app: web.Application, conversation: ConversationRef, borrower_id: str, text: str
) -> tuple[str, list[ChatMessage]]:
    """Keeps the message and has it answered: by the bot (with any left undelivered before
    it) or, in a handoff, by a person; the status, and the replies for the borrower now."""
    async with AsyncExitStack() as held:
        # One message at a time per conversation: Rasa sees them, and answers them, in order.
        try:
            await held.enter_async_context(app[LOCKS](("conversation", conversation.id)))
        except LockUnavailable as error:  # nobody may deliver without it: kept for later
            return await _keep_while_locks_down(app, conversation, borrower_id, text, error)
        received = await app[CONVERSATIONS].add_borrower_message(conversation.id, text)
        try:
            if received.status == "handoff":  # a person answers: the bot stays out of it
                return received.status, await _to_agent(app, conversation, received)
            status, replies = await _deliver_pending(app, conversation, borrower_id, received)
            if status == "handoff":  # the bot handed over just now: the queue shows it
                case = await app[CONVERSATIONS].active_case(conversation.id)
                await handoff_changed(app, case)
            return status, replies
        except BotUnavailable as error:
            await _audit_unavailable(app, conversation, borrower_id, error)
            raise ApiError(503, BOT_UNAVAILABLE, conversation_id=conversation.id) from None


async def _within_rate(app: web.Application, borrower_id: str) -> None:
    wait = await app[CHAT_RATE].check(borrower_id)
    if wait is not None:
        seconds = retry_after(wait)
        raise ApiError(429, TOO_FAST.format(wait=_seconds(seconds)),
                       headers={"Retry-After": str(seconds)})


async def _keep_for_later(
    app: web.Application, conversation: ConversationRef, text: str, refusal: ApiError
) -> tuple[str, list[ChatMessage]]:
    """The bot cannot have the message now (the backlog is full, or the conversation's lock
    cannot be taken): it is kept undelivered, `refusal` (a fast 503) says so, and the bot gets
    it, in order, with the conversation's next message (`_deliver_pending`). In a handoff it
    goes to the agents as usual: no Rasa, nothing to hold back.

    Without the conversation's lock: waiting for it is waiting for Rasa (or for Redis). Its
    holder, if any, delivers it now or leaves it for the next message; delivering happens only
    under the lock, so never twice."""
    received = await app[CONVERSATIONS].add_borrower_message(conversation.id, text)
    if received.status == "handoff":
        return received.status, await _to_agent(app, conversation, received)
    raise refusal


async def _keep_while_locks_down(app: web.Application, conversation: ConversationRef,
                                 borrower_id: str, text: str,
                                 error: LockUnavailable) -> tuple[str, list[ChatMessage]]:
    try:
        return await _keep_for_later(app, conversation, text, _locks_down(conversation))
    except ApiError:  # kept for the bot: audited as any message the bot could not have now
        await _audit_unavailable(app, conversation, borrower_id, error)
        raise


def _busy(conversation: ConversationRef) -> ApiError:
    return ApiError(503, BUSY.format(wait=_seconds(BUSY_RETRY_SECONDS)),
                    headers={"Retry-After": str(BUSY_RETRY_SECONDS)}, conversation_id=conversation.id)


def _locks_down(conversation: ConversationRef) -> ApiError:
    return ApiError(503, LOCKS_DOWN.format(wait=_seconds(LOCKS_DOWN_RETRY_SECONDS)),
                    headers={"Retry-After": str(LOCKS_DOWN_RETRY_SECONDS)},
                    conversation_id=conversation.id)


def _seconds(count: int) -> str:
    return "1 second" if count == 1 else f"{count} seconds"


async def get_history(request: web.Request) -> web.Response:
    borrower_id = await authenticate(request)
    conversation = await current_conversation(request.app, borrower_id)
    events = await request.app[CONVERSATIONS].history(conversation.id)
    return web.json_response(
        {"conversation_id": conversation.id, "status": conversation.status, "events": events}
    )


async def chat_socket(request: web.Request) -> web.WebSocketResponse:
    # Browsers cannot set headers on a WebSocket, hence `?token=` here (and only here).
    token = await authenticate_socket(request)
    # The borrower's channel, not a conversation's: it follows them into their next one.
    return await stream(request, borrower_channel(token.subject), b"reload the history",
                        expires_at=token.expires_at)


async def current_conversation(app: web.Application, borrower_id: str) -> ConversationRef:
    """The borrower's open conversation (started if none); 401 for a borrower the database
    does not know."""
    conversation = await _current(app, borrower_id)
    if conversation is None:
        raise unknown_borrower()
    return conversation


async def _current(app: web.Application, borrower_id: str) -> ConversationRef | None:
    # Per borrower: two first requests at once must not start two conversations.
    key = ("borrower", borrower_id)
    try:
        async with app[LOCKS](key):
            return await app[CONVERSATIONS].current(borrower_id)
    except LockUnavailable:
        pass
    # Redis is down. Most often the conversation exists and is only read; starting one, this
    # process's lock still keeps its own requests apart (only a first message sent to two
    # gateways at the same moment could start two), and the message is kept, not refused.
    async with app[LOCKS].within_process(key):
        return await app[CONVERSATIONS].current(borrower_id)


async def _deliver_pending(
    app: web.Application, conversation: ConversationRef, borrower_id: str, received: Received
) -> tuple[str, list[ChatMessage]]:
    """Sends every undelivered message, oldest first (the new one last), to Rasa."""
    status, replies, script = conversation.status, [], received.script
    for message in received.pending:
        answer = await app[RASA].send(
            conversation.id,
            text_for_rasa(message.text, message.offered_payloads),
            {"borrower_id": borrower_id, "timezone": conversation.timezone},
        )
        answered = [in_script(reply, script) for reply in replies_from_rasa(answer)]
        status = await app[CONVERSATIONS].record_delivery(conversation.id, message.id, answered)
        for reply in answered:
            await bot_said(app, borrower_id, reply)
        replies.extend(answered)
    return status, replies


async def _to_agent(
    app: web.Application, conversation: ConversationRef, received: Received
) -> list[ChatMessage]:
    """Shows the message to the agents; tells the borrower, once, that a person will answer."""
    case = received.case
    if received.handed_off:
        await handoff_changed(app, case)
    await message_added(app, case, received.message)
    if not received.handed_off or case is None:  # handed off: the case was opened just now
        return []
    # The case's language: the script's, else the borrower's profile (a message of digits or
    # emoji alone names none).
    reply = rendered(app[RESPONSES], HOLDING, case["language"], received.script)
    message = await app[CONVERSATIONS].add_bot_message(conversation.id, reply)
    await bot_said(app, case["borrower_id"], reply)
    await message_added(app, case, message)
    return [reply]


async def _audit_unavailable(
    app: web.Application, conversation: ConversationRef, borrower_id: str,
    error: BotUnavailable | LockUnavailable,
) -> None:
    logger.warning("bot unavailable for conversation %s: %s", conversation.id, error)
    await app[CONVERSATIONS].audit(
        "bot_unavailable", actor="system", borrower_id=borrower_id,
        conversation_id=conversation.id, details={"reason": str(error)},
    )
