"""How the gateway talks to Rasa: borrower messages through the token-protected channel of
bot/rasa/channel.py; handing a conversation back from an agent through Rasa's HTTP API."""
from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import aiohttp

WEBHOOK_PATH = "/webhooks/gateway/webhook"
HANDED_BACK_INTENT = "EXTERNAL_handed_back"  # domain.yml: the bot greets the borrower again
DEFAULT_TIMEOUT = 30.0
HEALTH_TIMEOUT = 5.0


class BotUnavailable(Exception):
    """Rasa could not be reached or did not handle the message. The text is safe to audit."""


class RasaClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any]) -> list[dict]:
        """Rasa's replies to one borrower message, as Rasa's collecting channel lists them."""
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        answer = await self._post(WEBHOOK_PATH, body, headers={"Authorization": f"Bearer {self._token}"})
        if not isinstance(answer, list):
            raise BotUnavailable("rasa answered something other than a list of replies")
        return [reply for reply in answer if isinstance(reply, dict)]

    async def resume(self, conversation_id: str) -> None:
        """Un-pauses a conversation an agent had: Rasa's `resume` event, through its HTTP API
        (loopback, behind its token)."""
        await self._post(self._conversation(conversation_id) + "/tracker/events",
                         [{"event": "resume"}], params=self._api_params())

    async def greet_back(self, conversation_id: str) -> list[dict]:
        """What the bot says on taking a conversation back from an agent."""
        answer = await self._post(self._conversation(conversation_id) + "/trigger_intent",
                                  {"name": HANDED_BACK_INTENT}, params=self._api_params())
        messages = answer.get("messages") if isinstance(answer, dict) else None
        return [reply for reply in messages or [] if isinstance(reply, dict)]

    def _api_params(self) -> dict[str, str]:
        return {"token": self._token, "include_events": "NONE"}

    @staticmethod
    def _conversation(conversation_id: str) -> str:
        return f"/conversations/{quote(conversation_id, safe='')}"

    async def _post(self, path: str, body: Any, *, headers: dict | None = None,
                    params: dict | None = None) -> Any:
        try:
            async with self._http().post(
                self._base_url + path, json=body, headers=headers, params=params,
                timeout=self._timeout,
            ) as response:
                if response.status != 200:
                    raise BotUnavailable(f"rasa answered HTTP {response.status}")
                return await response.json(content_type=None)
        except asyncio.TimeoutError:
            raise BotUnavailable("rasa did not answer in time") from None
        except (aiohttp.ClientError, ValueError) as error:  # ValueError: not JSON
            raise BotUnavailable(f"rasa unreachable ({type(error).__name__})") from None

    async def is_up(self) -> bool:
        try:
            async with self._http().get(
                self._base_url + "/", timeout=aiohttp.ClientTimeout(total=HEALTH_TIMEOUT)
            ) as response:
                return response.status == 200
        except (asyncio.TimeoutError, aiohttp.ClientError):
            return False

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        # Made on first use: a ClientSession belongs to the running event loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session
