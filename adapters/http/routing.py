"""Small helpers every controller shares: the route decorators with the problem+json
responses each route documents, so /schema lists what can come back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from litestar import delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import PathParameter

from adapters.http.problems import COMMON, problem_responses
from adapters.http.schemas import PRINTABLE, SOME_TEXT
from application.app import Application
from application.context import Actor

# Explicit parameter kinds (Litestar 2.23+ deprecates inferring them from the name).
App = NamedDependency[Application]
CurrentActor = NamedDependency[Actor]
PathStr = Annotated[str, PathParameter(min_length=1, max_length=200, pattern=PRINTABLE)]
UserIdPath = Annotated[str, PathParameter(min_length=1, max_length=200, pattern=SOME_TEXT)]

# What a team-scoped route can answer besides its success.
TEAM_SCOPED = (*COMMON, 404, 409)
BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


# The decorator Litestar's route functions return, typed so handlers stay typed.
Route = Callable[[Callable[..., Any]], HTTPRouteHandler]


def _options(statuses: tuple[int, ...], extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "sync_to_thread": True,
        "responses": problem_responses(*statuses),
        "security": BEARER,
        **extra,
    }


def api_get(path: str, *, errors: tuple[int, ...] = TEAM_SCOPED, **extra: Any) -> Route:
    return get(path, **_options(errors, extra))


def api_post(path: str, *, errors: tuple[int, ...] = TEAM_SCOPED, **extra: Any) -> Route:
    return post(path, **_options(errors, extra))


def api_put(path: str, *, errors: tuple[int, ...] = TEAM_SCOPED, **extra: Any) -> Route:
    return put(path, **_options(errors, extra))


def api_patch(path: str, *, errors: tuple[int, ...] = TEAM_SCOPED, **extra: Any) -> Route:
    return patch(path, **_options(errors, extra))


def api_delete(path: str, *, errors: tuple[int, ...] = TEAM_SCOPED, **extra: Any) -> Route:
    return delete(path, **_options(errors, extra))
