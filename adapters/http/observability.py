"""One log line per request, and `/metrics` (DESIGN §15; API.md "Operations").

The request line carries what support searches by: request id, team, connection, the route
template, status, duration and the outcome (`ok`, or the problem's catalogue code). Paths
are redacted (the callback's query, the state in the polling route). The request id is
bound for the request's duration, so every line logged while serving it carries it too.

`/metrics` is Litestar's Prometheus controller (HTTP series from its middleware, grouped by
route template, plus sellerlink's own series in the same registry). It is refused unless
the request carries `Authorization: Bearer <SELLERLINK_METRICS_TOKEN>` or, when no token
is configured, comes from a loopback address: a scrape reveals how many customers and
connections there are, which is nobody else's business.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from collections.abc import Callable
from typing import Any

import anyio
import msgspec
import structlog
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.plugins.prometheus.middleware import PrometheusMiddleware
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.http.access_log import redact_path
from adapters.http.request_ids import request_id_of

log = logging.getLogger("sellerlink.http")

TEAM_KEY = "sellerlink.team"
_PROBLEM = b"application/problem+json"
_CONNECTION_PARAMS = ("connection_id",)


def note_team(scope: Any, team_id: str | None) -> None:
    """Called by authentication once the team context is known."""
    if team_id:
        scope.setdefault("state", {})[TEAM_KEY] = team_id


def request_log_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = request_id_of(scope)
        seen: dict[str, Any] = {"status": 500, "problem": False, "body": b""}

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                for name, value in message.get("headers") or ():
                    if name.lower() == b"content-type" and value.startswith(_PROBLEM):
                        seen["problem"] = True
            elif message["type"] == "http.response.body" and seen["problem"]:
                seen["body"] += message.get("body", b"")[:4096]
            await send(message)

        bound = structlog.contextvars.bind_contextvars(request_id=rid)
        try:
            await app(scope, receive, watching_send)
        finally:
            structlog.contextvars.reset_contextvars(**bound)
            _log_request(scope, rid, seen, time.perf_counter() - started)

    return middleware


def _log_request(scope: Scope, rid: str, seen: dict[str, Any], seconds: float) -> None:
    status = int(seen["status"])
    level = logging.ERROR if status >= 500 else logging.INFO
    if not log.isEnabledFor(level):
        return  # no handler would see the line: nothing to build
    path = scope.get("path", "")
    query = scope.get("query_string", b"")
    raw = path + ("?" + query.decode("latin-1") if query else "")
    params = scope.get("path_params") or {}
    connection = next((str(params[p]) for p in _CONNECTION_PARAMS if p in params), "")
    if not connection and path.startswith("/api/v1/connections/") and "id" in params:
        connection = str(params["id"])
    fields = {
        "request_id": rid,
        "method": scope.get("method", ""),
        "route": scope.get("path_template") or "",
        "path": redact_path(raw),
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
        "team": (scope.get("state") or {}).get(TEAM_KEY, ""),
        "connection": connection,
        "outcome": _outcome(seen, status),
    }
    log.log(level, "request", extra=fields)


def _outcome(seen: dict[str, Any], status: int) -> str:
    if seen["problem"]:
        try:
            code = msgspec.json.decode(seen["body"]).get("code")
            if isinstance(code, str):
                return code
        except (msgspec.DecodeError, AttributeError):
            pass
    return "ok" if status < 400 else f"http_{status}"


# --------------------------------------------------------------------------- /metrics


class RouteMetrics(PrometheusMiddleware):
    """Litestar's Prometheus middleware, the same series (requests, durations, errors and
    requests in progress by method, route template and status), recorded for less: the
    plugin's own builds a Request and parses the URL, wraps `send` with functools.wraps and
    looks each series' labels up on every request; here a route's label children are looked
    up once and kept (a few dozen routes x statuses)."""

    def __init__(self, app: ASGIApp, config: PrometheusConfig) -> None:
        super().__init__(app, config)
        if config.labels or config.exemplars or not config.group_path:
            raise ValueError("RouteMetrics records the route template and the default labels")
        self._app_name = config.app_name
        self._in_progress: dict[tuple[str, str], Any] = {}
        self._done: dict[tuple[str, str, int], tuple[Any, Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"] if scope["type"] == ScopeType.HTTP else str(scope["type"])
        path = scope["path_template"]
        in_progress = self._in_progress.get((method, path))
        if in_progress is None:
            labels = self._labels(method, path, 200)
            in_progress = self.requests_in_progress(labels).labels(*labels.values())
            self._in_progress[(method, path)] = in_progress
        started = time.perf_counter()
        span = [200, 0.0]  # status, duration

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                span[0] = message["status"]
            elif message["type"] == "http.response.body":
                span[1] = time.perf_counter() - started
            await send(message)

        in_progress.inc()
        try:
            await self.app(scope, receive, timed_send)
        finally:
            in_progress.dec()
            status = int(span[0])
            count, duration, errors = self._series(method, path, status)
            if status >= HTTP_500_INTERNAL_SERVER_ERROR:
                errors.inc()
            count.inc()
            duration.observe(span[1])

    def _labels(self, method: str, path: str, status: int) -> dict[str, str | int | float]:
        return {"method": method, "path": path, "status_code": status, "app_name": self._app_name}

    def _series(self, method: str, path: str, status: int) -> tuple[Any, Any, Any]:
        found = self._done.get((method, path, status))
        if found is None:
            labels = self._labels(method, path, status)
            values = labels.values()
            found = (
                self.request_count(labels).labels(*values),
                self.request_time(labels).labels(*values),
                self.requests_error_count(labels).labels(*values),
            )
            self._done[(method, path, status)] = found
        return found


def prometheus_config() -> PrometheusConfig:
    return PrometheusConfig(
        app_name="sellerlink",
        prefix="sellerlink_http",
        group_path=True,
        exclude_unhandled_paths=True,
        exclude=["^/metrics"],
        middleware_class=RouteMetrics,
    )


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def metrics_guard(token: str | None) -> Callable[[ASGIConnection[Any, Any, Any, Any], Any], None]:
    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if token:
            header = connection.headers.get("authorization", "")
            scheme, _sep, given = header.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode(), token.encode()
            ):
                raise NotAuthorizedException("/metrics needs the metrics token.")
            return
        client = connection.client
        if not _is_loopback(client.host if client else None):
            raise PermissionDeniedException(
                "/metrics answers loopback only; set SELLERLINK_METRICS_TOKEN to scrape it "
                "from elsewhere."
            )

    return guard


def metrics_controller(
    token: str | None, before_scrape: Callable[[], None] | None = None
) -> type[PrometheusController]:
    """The /metrics route for one app: guarded, and refreshing the database gauges first
    (in a worker thread: the snapshot reads the database)."""

    async def refresh(_request: Any) -> None:
        if before_scrape is None:
            return
        try:
            await anyio.to_thread.run_sync(before_scrape)
        except Exception:  # a failing snapshot must not hide the other series
            log.exception("metrics snapshot failed")

    return type(
        "MetricsController",
        (PrometheusController,),
        {
            "path": "/metrics",
            "guards": [metrics_guard(token)],
            "include_in_schema": False,
            "before_request": refresh,
        },
    )
