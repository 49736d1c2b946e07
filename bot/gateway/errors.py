"""Every error the gateway answers is JSON `{"error": "..."}`: never an HTML page or a traceback."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError, LineTooLong
from redis.exceptions import (  # type: ignore[import-untyped]
    ConnectionError as RedisConnectionError,
)
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.db.outages import outage
from bot.gateway.locks import LockUnavailable

logger = logging.getLogger(__name__)

DATABASE_DOWN = "the service is temporarily unavailable"  # or Redis
# aiohttp's own messages for these name internals (body size limits); ours say what to do.
_MESSAGES = {413: "the request body is too large"}
_TOO_LONG = "the request line or a header is too long"
_UNREADABLE = "the request is malformed"
_CUT_SHORT = "the request ended before its body did"
# Headers of aiohttp's errors worth keeping (405's Allow); the body's are replaced.
_DROPPED_HEADERS = {"content-type", "content-length"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    """An error answer: `status`, a message for the client, and extra JSON fields."""

    def __init__(
        self, status: int, message: str, *, headers: Mapping[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        self.headers, self.extra = dict(headers or {}), extra

    def response(self) -> web.Response:
        return json_error(self.status, self.message, headers=self.headers, **self.extra)


def json_error(
    status: int, message: str, *, headers: Mapping[str, str] | None = None, **extra: Any
) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status, headers=headers)


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as error:
        return error.response()
    except web.HTTPException as error:
        if error.status < 400:  # redirects and the like are not errors
            raise
        return _from_aiohttp(error)
    except HttpProcessingError as error:  # a body aiohttp could not read (broken framing)
        return unreadable_request(error)
    except ConnectionResetError:  # the client left before its body had all come
        logger.info("client gone during %s %s", request.method, request.path)
        return json_error(400, _CUT_SHORT)  # for the access log: nobody reads it
    except Exception as error:  # the client gets JSON, the log gets the traceback
        if redis_down(error):  # the shared state (locks, throttle): an outage, no bug
            logger.warning("redis unavailable during %s %s: %s", request.method, request.path,
                           error)
            return json_error(503, DATABASE_DOWN)
        problem = outage(error)
        if problem is None:
            logger.exception("unexpected error handling %s %s", request.method, request.path)
            return json_error(500, "internal error")
        # The DBAPI message only: the statement's parameters may hold a borrower's text.
        logger.warning("database unavailable (%s): %s", problem,
                       getattr(error, "orig", None) or error.__class__)
        return json_error(503, DATABASE_DOWN)


def redis_down(error: BaseException) -> bool:
    """Redis refused, dropped or timed out (not a mistake in a command or a script)."""
    return isinstance(error, (LockUnavailable, RedisConnectionError, RedisTimeoutError))


def unreadable_request(error: HttpProcessingError) -> web.Response:
    """A request aiohttp could not read: the client's mistake, worth a warning, not a traceback.
    The parser's own words are neither answered nor logged: they may quote the request."""
    logger.warning("unreadable request: %s", type(error).__name__)
    return json_error(400, _TOO_LONG if isinstance(error, LineTooLong) else _UNREADABLE)


def _from_aiohttp(error: web.HTTPException) -> web.Response:
    headers = {k: v for k, v in error.headers.items() if k.lower() not in _DROPPED_HEADERS}
    message = _MESSAGES.get(error.status) or error.reason.lower()
    return json_error(error.status, message, headers=headers)
