"""Liveness and readiness (DESIGN §5: `/health` liveness, `/ready` db + worker). Readiness
runs the checks the composition root hands in (database reachable, worker alive), so this
module stays independent of which adapters are plugged in."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec

from adapters.http.problems import problem_responses
from adapters.http.schemas import Liveness, Readiness, ReadinessProblem
from domain.errors import DomainError

# A check raises when failing (a DomainError names its code in `problems`); it may return
# warnings (texts) that leave the service ready.
ReadinessCheck = Callable[[], Iterable[str] | None]
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
        problems: list[ReadinessProblem] = []
        warnings: list[str] = []
        for name, check in checks.items():
            try:
                warnings += list(check() or ())
                results[name] = "ok"
            except DomainError as error:  # a named situation: its code and words are safe
                results[name] = "failing"
                problems.append(
                    ReadinessProblem(check=name, code=str(error.code), detail=error.detail)
                )
            except Exception as error:  # any failure means "not ready"; logged, never shown
                log.warning("readiness check %s failed: %s", name, type(error).__name__)
                results[name] = "failing"
        ok = all(v == "ok" for v in results.values())
        return Response(
            Readiness(
                status="ready" if ok else "not_ready",
                checks=results,
                problems=problems or None,
                warnings=warnings or None,
            ),
            status_code=200 if ok else 503,
        )

    return ready
