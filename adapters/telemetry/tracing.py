"""OpenTelemetry traces, opt-in (`pip install -e '.[otel]'`): one span per HTTP request
(Litestar's own OpenTelemetry plugin), per background job and per Amazon call (the
application's Tracer port). Exported over OTLP/HTTP when `SELLERLINK_OTEL_ENDPOINT` (or
OpenTelemetry's own `OTEL_EXPORTER_OTLP_ENDPOINT`) is set; without an endpoint, or without
the extra installed, nothing is traced and nothing is imported.

Spans carry the API, operation, job kind, connection and team ids: never a token, a URL
query or a body (the HTTP plugin's spans keep the route template, not the raw path).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

SERVICE_NAME = "sellerlink"


def tracing_available() -> bool:
    return (
        importlib.util.find_spec("opentelemetry") is not None
        and importlib.util.find_spec("opentelemetry.sdk") is not None
    )


class OtelTracer:
    """application.ports.Tracer over an OpenTelemetry TracerProvider."""

    def __init__(self, provider: Any) -> None:
        self.provider = provider
        self._tracer = provider.get_tracer("sellerlink")

    @contextmanager
    def span(self, name: str, attributes: Mapping[str, str]) -> Iterator[None]:
        from opentelemetry.trace import Status, StatusCode

        with self._tracer.start_as_current_span(
            name, attributes={k: v for k, v in attributes.items() if v}
        ) as span:
            try:
                yield
            except Exception as error:
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                code = getattr(error, "code", None)
                if code is not None:
                    span.set_attribute("sellerlink.error_code", str(code))
                raise


def tracer_provider(*, endpoint: str | None = None, exporter: Any = None) -> Any:
    """A provider exporting to `exporter` (tests: the SDK's InMemorySpanExporter) or over
    OTLP/HTTP to `endpoint` (`.../v1/traces` is appended when missing)."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        url = endpoint.rstrip("/")
        if not url.endswith("/v1/traces"):
            url += "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=url)))
    return provider


_URL_ATTRIBUTES = ("http.url", "http.target", "url.full", "url.path", "url.query")


def _route_of(scope: Any) -> str:
    return str(scope.get("path_template") or "unmatched route")


def span_details(scope: Any) -> tuple[str, dict[str, str]]:
    """Spans are named by route template, never by the raw path: paths carry ids and the
    polling route's OAuth state."""
    method = str(scope.get("method", "")).strip()
    route = _route_of(scope)
    return (f"{method} {route}" if method else route), {"http.route": route}


def _scrub_request(span: Any, scope: Any) -> None:
    """The ASGI instrumentation records the URL with its query (the callback's code and
    state): overwrite it with the route template."""
    if span is None or not span.is_recording():
        return
    route = _route_of(scope)
    for key in _URL_ATTRIBUTES:
        span.set_attribute(key, "" if key == "url.query" else route)


def _naming_by_route(app: Any) -> Any:
    """Inside the server span, once routing has put the route template in the scope, the
    span takes the template's name (the ASGI middleware starts it before routing)."""
    from opentelemetry import trace

    async def named(scope: Any, receive: Any, send: Any) -> None:
        async def renaming_send(message: Any) -> None:
            if message.get("type") == "http.response.start":
                span = trace.get_current_span()
                if span.is_recording():
                    name, attributes = span_details(scope)
                    span.update_name(name)
                    span.set_attributes(attributes)
                    _scrub_request(span, scope)
            await send(message)

        await app(scope, receive, renaming_send)

    return named


def litestar_plugin(provider: Any) -> Any:
    """Litestar's OpenTelemetry plugin on `provider`: one server span per request, named
    after the route template, without the URL's query."""
    from litestar.plugins.opentelemetry import (
        OpenTelemetryConfig,
        OpenTelemetryInstrumentationMiddleware,
        OpenTelemetryPlugin,
    )

    class RouteNamedMiddleware(OpenTelemetryInstrumentationMiddleware):
        def __init__(self, app: Any, config: Any) -> None:
            super().__init__(_naming_by_route(app), config)

    # Litestar 2.x's plugin builds its middleware from the default class whatever the
    # config's `middleware_class` says, and the app finds the plugin by its class name.
    plugin_class = type(
        "OpenTelemetryPlugin",
        (OpenTelemetryPlugin,),
        {"middleware": property(lambda self: self.config.middleware)},
    )
    return plugin_class(
        OpenTelemetryConfig(
            tracer_provider=provider,
            exclude=["/metrics", "/health"],
            exclude_spans=["receive", "send"],
            scope_span_details_extractor=span_details,
            server_request_hook_handler=_scrub_request,
            middleware_class=RouteNamedMiddleware,
        )
    )
