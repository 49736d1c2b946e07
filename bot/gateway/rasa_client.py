"""The one way the gateway talks to Rasa: the token-protected channel of bot/channel.py."""
from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

WEBHOOK_PATH = "/webhooks/gateway/webhook"
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
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with self._http().post(
                self._base_url + WEBHOOK_PATH, json=body, headers=headers, timeout=self._timeout
            ) as response:
                if response.status != 200:
                    raise BotUnavailable(f"rasa answered HTTP {response.status}")
                answer = await response.json(content_type=None)
        except asyncio.TimeoutError:
            raise BotUnavailable("rasa did not answer in time") from None
        except (aiohttp.ClientError, ValueError) as error:  # ValueError: not JSON
            raise BotUnavailable(f"rasa unreachable ({type(error).__name__})") from None
        if not isinstance(answer, list):
            raise BotUnavailable("rasa answered something other than a list of replies")
        return [reply for reply in answer if isinstance(reply, dict)]

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
