"""The access log, without query strings: a WebSocket's `?token=` must never reach a log.

The line reads `127.0.0.1 "GET /healthz" 200 (57 bytes, 0.003s)`; the same figures go as
extra fields (`remote`, `method`, `path`, `route`, `status`, `bytes`, `seconds`) into the
JSON lines of bot/logs.py, whose masking filter sees this record too."""
from __future__ import annotations

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, Request, StreamResponse


class AccessLog(AbstractAccessLogger):
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %s (%s bytes, %.3fs)',
            request.remote, request.method, request.path,
            response.status, response.body_length, time,
            extra={"remote": request.remote, "method": request.method, "path": request.path,
                   "route": _route(request), "status": response.status,
                   "bytes": response.body_length, "seconds": round(time, 6)},
        )


def _route(request: BaseRequest) -> str | None:
    """The route's canonical path (`/api/v1/agent/handoffs/{id}`), where one matched."""
    if not isinstance(request, Request):  # a request the parser refused: no route
        return None
    try:
        resource = request.match_info.route.resource
    except (AssertionError, AttributeError):  # none resolved (an error answered before routing)
        return None
    return resource.canonical if resource is not None else None
