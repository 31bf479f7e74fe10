"""Traces, with OpenTelemetry's in-memory exporter: one span per HTTP request
(Litestar's plugin, named by route template), per background job and per Amazon call (over
loopback to the sandbox), nesting job > Amazon call; no token in any attribute."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import providers
from litestar.testing import TestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.telemetry import OtelTracer, tracer_provider
from application.reconciler import Job, JobKind
from bootstrap.container import in_memory_container
from bootstrap.web import create_app
from tests.integration.background.sandbox_stack import sandbox_world
from tests.unit.background.support import ready_seller


def test_jobs_and_amazon_calls_are_spans_and_the_call_nests_in_its_job() -> None:
    exporter = InMemorySpanExporter()
    tracer = OtelTracer(tracer_provider(exporter=exporter))
    with sandbox_world(tracer=tracer) as stack:
        seller = ready_seller(stack.world)
        exporter.clear()
        stack.world.clock.advance(timedelta(hours=2))
        result = seller.app.run_job(Job(JobKind.REFRESH_TOKEN, seller.connection_id, "sp_api"))
    assert str(result.status) == "done"
    spans = exporter.get_finished_spans()
    job = next(s for s in spans if s.name == "job refresh_token")
    call = next(s for s in spans if s.name.startswith("amazon lwa"))
    assert call.parent is not None
    assert call.parent.span_id == job.context.span_id
    assert job.attributes["connection"] == seller.connection_id
    assert job.attributes["team"].startswith("team_")
    text = repr([dict(s.attributes or {}) for s in spans])
    assert "Atz" not in text


def test_each_request_is_a_span_named_by_its_route() -> None:
    exporter = InMemorySpanExporter()
    container = in_memory_container()
    container.tracer.override(providers.Object(OtelTracer(tracer_provider(exporter=exporter))))
    state = "canaryState0123456789abcdefghijklmnop"
    with TestClient(create_app(container)) as client:
        assert client.get("/errors/TOKEN_REVOKED").status_code == 200
        client.get(f"/oauth/sp-api/callback?state={state}&spapi_oauth_code=RHcanary&x=1")
    spans = exporter.get_finished_spans()
    names = [s.name for s in spans]
    assert "GET /errors/{code}" in names, names
    assert "GET /oauth/sp-api/callback" in names, names
    recorded = repr([(s.name, dict(s.attributes or {})) for s in spans])
    assert state not in recorded
    assert "RHcanary" not in recorded
