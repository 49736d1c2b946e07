"""The HTTP server the gateway runs on: aiohttp's, except for the errors it answers itself.

aiohttp's HTTP parser refuses some requests before any handler or middleware runs (a request
line or a header over 8,190 bytes, a request that is not HTTP); aiohttp answers them in plain
text and logs an ERROR with a traceback. Here they are JSON `{"error": ...}` like every other
error (CONTRACT §4), and a client's mistake is a warning without a traceback.

aiohttp 3.9 has no public hook for this: `GatewayRunner` overrides `AppRunner._make_server`
to serve with `JsonErrorServer`, whose connections are `JsonErrorHandler`s.
"""
from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler

from bot.gateway.access_log import AccessLog
from bot.gateway.api_headers import API_HEADERS
from bot.gateway.errors import json_error, unreadable_request

logger = logging.getLogger(__name__)


class JsonErrorHandler(RequestHandler):
    """One connection: aiohttp's, with its own error answers in JSON."""

    def handle_error(self, request: web.BaseRequest, status: int = 500,
                     exc: BaseException | None = None, message: str | None = None
                     ) -> web.StreamResponse:
        # `message` (the parser's own words, which may quote the request) is not passed on.
        if request.writer.output_size > 0:  # as aiohttp: a response has begun, none can follow
            raise ConnectionError("the response has begun: no error response can follow it")
        response = _error_response(request, status, exc)
        response.headers.update(API_HEADERS)  # the path may be unknown: it may be the API's
        response.force_close()  # as aiohttp: after an error, the connection's state is unknown
        return response


class JsonErrorServer(web.Server):
    def __call__(self) -> RequestHandler:
        return JsonErrorHandler(self, loop=self._loop, **self._kwargs)


class GatewayRunner(web.AppRunner):
    """`web.AppRunner` serving with `JsonErrorServer`."""

    async def _make_server(self) -> web.Server:
        made = await super()._make_server()  # starts the application, as AppRunner does
        return JsonErrorServer(made.request_handler, request_factory=made.request_factory,
                               handler_cancellation=made.handler_cancellation, **made._kwargs)


async def serve_forever(app: web.Application, host: str, port: int) -> None:
    """What `web.run_app` does, on the gateway's server: until SIGINT or SIGTERM (which raise
    `web.GracefulExit`), then the application's shutdown and cleanup."""
    runner = GatewayRunner(app, handle_signals=True, access_log_class=AccessLog)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        logger.info("the gateway answers on http://%s:%s", host, port)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def _error_response(request: web.BaseRequest, status: int, exc: BaseException | None) -> web.Response:
    if isinstance(exc, HttpProcessingError):  # the parser's: too long, or not HTTP
        return unreadable_request(exc)
    if status == HTTPStatus.INTERNAL_SERVER_ERROR:  # past the error middleware: a bug
        logger.error("unexpected error handling %s %s", request.method, request.path, exc_info=exc)
        return json_error(status, "internal error")
    logger.warning("answered %s to %s %s", status, request.method, request.path)  # 504: too slow
    return json_error(status, HTTPStatus(status).phrase.lower())
