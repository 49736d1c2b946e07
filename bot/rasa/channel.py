"""The Rasa input channel the gateway talks to (credentials.yml: `bot.rasa.channel.GatewayInput`).

Like Rasa's REST channel, but it requires the shared token (Rasa's own REST webhook has
none) and answers 500 when handling fails, so the gateway can keep the message for later
instead of taking an empty answer for silence.
"""
from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


class GatewayInput(InputChannel):
    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the gateway channel needs a token (RASA_TOKEN)")
        self.token = token

    @classmethod
    def name(cls) -> str:
        return "gateway"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(str((credentials or {}).get("token") or ""))

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("gateway_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not isinstance(text, str):
                return response.json({"error": "sender and message are required"}, status=400)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(),
                                metadata=body.get("metadata") or {})
                )
            except Exception:  # reported to the gateway, which keeps the message
                logger.exception("handling a gateway message failed")
                return response.json({"error": "the bot could not handle the message"}, status=500)
            return response.json(collector.messages)

        return webhook

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.encode(), self.token.encode())
