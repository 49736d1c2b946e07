"""How the gateway talks to Rasa: borrower messages through the token-protected channel of
bot/rasa/channel.py; handing a conversation back from an agent through Rasa's HTTP API.

One Rasa or several (RASA_URLS). With several, every call about a conversation goes to one
instance, chosen by rendezvous (highest-random-weight) hashing of the conversation id over
the instances' URLs: each conversation ranks every instance in its own stable order and uses
the first of them that is up. Adding or removing an instance moves only the conversations
that rank it first. The instances share the tracker and lock stores; routing keeps a
conversation on one instance while that instance is up, so that only one of them writes its
tracker (Rasa's open-source RedisLockStore alone has known races between instances), and the
gateway's per-conversation lock (bot/gateway/locks.py) keeps its messages one at a time.

An instance that refuses the connection, cannot be connected to in time, drops it or does
not answer in time is marked down for `down_for` seconds: its conversations go to the next
instance of their order. When that time is over, the next call that would use it first asks
it (`GET /`) whether it is back; if it is, its conversations come back to it.

A message is retried on the next instance only when it never reached the first (the
connection was refused or could not be made): one that may have reached Rasa is not sent
twice by this call; it stays undelivered and goes with the conversation's next message, to
whichever instance is then up (bot/gateway/borrower/chat.py).
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/gateway/webhook"
HANDED_BACK_INTENT = "EXTERNAL_handed_back"  # domain.yml: the bot greets the borrower again
DEFAULT_TIMEOUT = 30.0
HEALTH_TIMEOUT = 5.0
CONNECT_TIMEOUT = 3.0  # a Rasa that takes longer to accept a connection counts as down
DOWN_SECONDS = 5.0  # how long an instance that failed is passed over before it is asked again


class BotUnavailable(Exception):
    """Rasa could not be reached or did not handle the message. The text is safe to audit."""


class _NotReached(BotUnavailable):
    """The request never reached the instance: it may go to another one."""


@dataclass
class Instance:
    url: str
    down_until: float = 0.0  # on the client's clock; 0: up
    probing: asyncio.Future | None = field(default=None, repr=False)  # a probe under way


def rendezvous_order(conversation_id: str, urls: Sequence[str]) -> list[str]:
    """The instances in the conversation's order of preference (highest weight first)."""
    return sorted(urls, key=lambda url: _weight(conversation_id, url), reverse=True)


def _weight(conversation_id: str, url: str) -> tuple[bytes, str]:
    digest = hashlib.blake2b(f"{url}\n{conversation_id}".encode(), digest_size=8).digest()
    return digest, url  # the URL breaks a (vanishingly unlikely) tie the same way everywhere


class RasaClient:
    def __init__(self, base_url: str | Sequence[str], token: str, *, timeout: float = DEFAULT_TIMEOUT,
                 down_for: float = DOWN_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        urls = list(dict.fromkeys(url.rstrip("/") for url in urls if url.strip()))
        if not urls:
            raise ValueError("RasaClient needs at least one Rasa URL")
        self._instances = {url: Instance(url) for url in urls}
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, CONNECT_TIMEOUT))
        self._down_for, self._clock = down_for, clock
        self._session: aiohttp.ClientSession | None = None

    @property
    def urls(self) -> list[str]:
        return list(self._instances)

    def instance_for(self, conversation_id: str) -> str:
        """The instance the conversation's next call would try first (no probing)."""
        order = rendezvous_order(conversation_id, self.urls)
        now = self._clock()
        return next((url for url in order if self._instances[url].down_until <= now), order[0])

    def down(self) -> list[str]:
        """The instances passed over now."""
        now = self._clock()
        return [url for url, instance in self._instances.items() if instance.down_until > now]

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any]) -> list[dict]:
        """Rasa's replies to one borrower message, as Rasa's collecting channel lists them."""
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        answer = await self._post(conversation_id, WEBHOOK_PATH, body,
                                  headers={"Authorization": f"Bearer {self._token}"})
        if not isinstance(answer, list):
            raise BotUnavailable("rasa answered something other than a list of replies")
        return [reply for reply in answer if isinstance(reply, dict)]

    async def resume(self, conversation_id: str) -> None:
        """Un-pauses a conversation an agent had: Rasa's `resume` event, through its HTTP API
        (loopback, behind its token), on the conversation's instance."""
        await self._post(conversation_id, self._conversation(conversation_id) + "/tracker/events",
                         [{"event": "resume"}], params=self._api_params())

    async def greet_back(self, conversation_id: str) -> list[dict]:
        """What the bot says on taking a conversation back from an agent."""
        answer = await self._post(conversation_id, self._conversation(conversation_id) + "/trigger_intent",
                                  {"name": HANDED_BACK_INTENT}, params=self._api_params())
        messages = answer.get("messages") if isinstance(answer, dict) else None
        return [reply for reply in messages or [] if isinstance(reply, dict)]

    def _api_params(self) -> dict[str, str]:
        return {"token": self._token, "include_events": "NONE"}

    @staticmethod
    def _conversation(conversation_id: str) -> str:
        return f"/conversations/{quote(conversation_id, safe='')}"

    async def _post(self, conversation_id: str, path: str, body: Any, *, headers: dict | None = None,
                    params: dict | None = None) -> Any:
        """To the conversation's instance; to the next one of its order when the request
        never reached it. BotUnavailable when none could take it."""
        problem = BotUnavailable("no rasa instance")
        for url in await self._candidates(conversation_id):
            try:
                return await self._post_to(self._instances[url], path, body, headers, params)
            except _NotReached as error:
                problem = error
        raise BotUnavailable(str(problem))

    async def _candidates(self, conversation_id: str) -> list[str]:
        """The conversation's order, the instances up first (those passed over last, should
        every one be: one of them may be back already)."""
        order = rendezvous_order(conversation_id, self.urls)
        up = [url for url in order if await self._available(self._instances[url])]
        return up + [url for url in order if url not in up]

    async def _available(self, instance: Instance) -> bool:
        if instance.down_until == 0.0:
            return True
        if instance.down_until > self._clock():
            return False
        # Its time out is over: one probe at a time asks it, the others wait for the answer.
        if instance.probing is None:
            instance.probing = asyncio.ensure_future(self._probe(instance))
        return await asyncio.shield(instance.probing)

    async def _probe(self, instance: Instance) -> bool:
        try:
            up = await self._answers(instance.url)
            if up:
                logger.info("rasa %s is back up", instance.url)
                instance.down_until = 0.0
            else:
                self._mark_down(instance, "still down")
            return up
        finally:
            instance.probing = None

    def _mark_down(self, instance: Instance, why: str) -> None:
        if instance.down_until == 0.0:
            logger.warning("rasa %s is down (%s); its conversations go to the next instance for "
                           "%.0f s", instance.url, why, self._down_for)
        instance.down_until = self._clock() + self._down_for

    async def _post_to(self, instance: Instance, path: str, body: Any, headers: dict | None,
                       params: dict | None) -> Any:
        try:
            async with self._http().post(
                instance.url + path, json=body, headers=headers, params=params,
                timeout=self._timeout,
            ) as response:
                if response.status != 200:  # it is up and answered: no other instance is asked
                    raise BotUnavailable(f"rasa answered HTTP {response.status}")
                return await response.json(content_type=None)
        except aiohttp.ClientConnectorError as error:  # refused, unreachable: never sent
            self._mark_down(instance, type(error).__name__)
            raise _NotReached(f"rasa unreachable ({type(error).__name__})") from None
        except aiohttp.ServerTimeoutError as error:
            if _connecting(error):  # no connection in time: never sent either
                self._mark_down(instance, "connection timed out")
                raise _NotReached("rasa unreachable (connection timed out)") from None
            self._mark_down(instance, "timed out")
            raise BotUnavailable("rasa did not answer in time") from None
        except asyncio.TimeoutError:
            self._mark_down(instance, "timed out")
            raise BotUnavailable("rasa did not answer in time") from None
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as error:  # may have been sent
            self._mark_down(instance, type(error).__name__)
            raise BotUnavailable(f"rasa unreachable ({type(error).__name__})") from None
        except (aiohttp.ClientError, ValueError) as error:  # ValueError: not JSON
            raise BotUnavailable(f"rasa unreachable ({type(error).__name__})") from None

    async def is_up(self) -> bool:
        """Whether at least one instance answers."""
        answers = await asyncio.gather(*(self._answers(url) for url in self._instances))
        return any(answers)

    async def _answers(self, url: str) -> bool:
        try:
            async with self._http().get(
                url + "/", timeout=aiohttp.ClientTimeout(total=HEALTH_TIMEOUT)
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


def _connecting(error: aiohttp.ServerTimeoutError) -> bool:
    # aiohttp 3.9 says which timeout it was only in the message ("Connection timeout to host").
    return str(error).startswith("Connection timeout")
