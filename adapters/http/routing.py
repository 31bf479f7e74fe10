"""Small helpers every controller shares: the route decorators with the problem+json
responses each route documents, so /schema lists what can come back, and the API-key scope
each route requires.

Every `/api/v1` route names the scope an API key needs for it, in its decorator:
`@api_get("/records", scope=Scope.RECORDS_READ)`. `scope=None` means people only: a key is
refused whatever its scopes (members, API keys, billing). A route built without these
helpers declares it with `opt=key_scope(...)`; a route that declares nothing is people only
(auth.py checks it on every request), and the authorization matrix test lists every route
with the scope it expects.
"""

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
from domain.api_key import Scope

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

# The route option auth.py reads: the Scope an API key needs, or None for people only.
SCOPE_OPT = "api_key_scope"


def key_scope(scope: Scope | None) -> dict[str, Scope | None]:
    """`opt=` for a route made without the helpers below."""
    return {SCOPE_OPT: scope}


def _options(
    statuses: tuple[int, ...], scope: Scope | None, extra: dict[str, Any]
) -> dict[str, Any]:
    opt = {**extra.pop("opt", {}), **key_scope(scope)}
    return {
        "sync_to_thread": True,
        "responses": problem_responses(*statuses),
        "security": BEARER,
        "opt": opt,
        **extra,
    }


class _ApiRoute:
    """A route decorator of the API: Litestar's `get`, `post`... with the problem+json
    responses the route can answer and the scope an API key needs, which every route must
    name (there is no default: forgetting it would open the route to every key)."""

    def __init__(self, method: type[HTTPRouteHandler]) -> None:
        self._method = method

    def __call__(
        self, path: str, *, scope: Scope | None, errors: tuple[int, ...] = TEAM_SCOPED, **extra: Any
    ) -> Route:
        route: Route = self._method(path, **_options(errors, scope, extra))
        return route


api_get = _ApiRoute(get)
api_post = _ApiRoute(post)
api_put = _ApiRoute(put)
api_patch = _ApiRoute(patch)
api_delete = _ApiRoute(delete)
