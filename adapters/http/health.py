"""Liveness and readiness (DESIGN §5: `/health` liveness, `/ready` db + worker). Readiness
runs the checks the composition root hands in (database reachable, worker alive), so this
module stays independent of which adapters are plugged in."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec

from adapters.http.problems import problem_responses
from adapters.http.schemas import Liveness, Readiness

ReadinessCheck = Callable[[], None]
log = logging.getLogger("sellerlink.http.health")


@get("/health", tags=["operations"], summary="Liveness", sync_to_thread=False)
def health() -> Liveness:
    return Liveness(status="ok")


def readiness_route(checks: Mapping[str, ReadinessCheck]) -> HTTPRouteHandler:
    @get(
        "/ready",
        tags=["operations"],
        summary="Readiness: every dependency answers",
        sync_to_thread=True,
        responses={
            **problem_responses(500),
            503: ResponseSpec(
                data_container=Readiness,
                description="A dependency is failing",
                generate_examples=False,
            ),
        },
    )
    def ready() -> Response[Readiness]:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                check()
                results[name] = "ok"
            except Exception as error:  # any failure means "not ready"; logged, never shown
                log.warning("readiness check %s failed: %s", name, type(error).__name__)
                results[name] = "failing"
        ok = all(v == "ok" for v in results.values())
        return Response(
            Readiness(status="ready" if ok else "not_ready", checks=results),
            status_code=200 if ok else 503,
        )

    return ready
