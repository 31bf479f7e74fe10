"""Every route x every kind of caller -> the expected status (API.md: 401 without a valid
token, 403 for a role that may not, for no team context and for another team's member).

API keys (API.md "API keys") are callers too: a key with exactly the route's scope, a key
with every other scope (SCOPE_MISSING), another team's key with every scope (a key's team is
fixed: another team's connection is NOT_FOUND), a key sending another team's X-Team-Id
(NOT_A_MEMBER) and a deleted key (401 at once). Routes for people only (members, keys,
billing) refuse every key with FORBIDDEN_ROLE.

The matrix is checked against the app's actual routes and their declared scopes: a route
added without an entry here fails `test_every_route_has_a_matrix_entry`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from adapters.http.routing import SCOPE_OPT
from application.app import Application
from bootstrap.container import in_memory_container
from bootstrap.settings import Settings
from bootstrap.web import create_app
from domain.api_key import Scope
from harness.driver import Api, InProcessAmazonPage, User
from tests.integration.http.conftest import JWT_SECRET

KEYS = ("key", "key_lacking", "key_other_team", "key_team_header", "key_deleted")
CALLERS = ("owner", "admin", "manager", "member", "no_team", "other_team", "no_token", *KEYS)
MEMBERS = ("owner", "admin", "manager", "member")
PEOPLE_ONLY = {"key": 403, "key_lacking": 403, "key_other_team": 403, "key_team_header": 403}


class Statuses(dict[str, int]):
    """Statuses by caller, and the scope the route must declare for API keys."""

    scope: Scope | None = None


def team_scoped(
    success: int,
    allowed: tuple[str, ...],
    scope: Scope | None,
    *,
    other_team_key: int = 404,
) -> Statuses:
    """A team-scoped route: the allowed roles succeed, other members get FORBIDDEN_ROLE,
    no team context NO_TEAM, another team's member NOT_A_MEMBER, no token 401. A key with
    the route's `scope` succeeds; `other_team_key` is what another team's key gets (404 for
    this team's resources, the key's own team's answer for lists and creations)."""
    statuses = Statuses({role: success if role in allowed else 403 for role in MEMBERS})
    statuses |= {"no_team": 403, "other_team": 403, "no_token": 401, "key_deleted": 401}
    statuses.scope = scope
    if scope is None:
        statuses |= PEOPLE_ONLY
        return statuses
    statuses |= {
        "key": success,
        "key_lacking": 403,
        "key_other_team": other_team_key,
        "key_team_header": 403,
    }
    return statuses


def everyone(status: int) -> Statuses:
    """Public routes: no token needed, so a key's is not even read."""
    return Statuses(dict.fromkeys(CALLERS, status))


def signed_in(status: int) -> Statuses:
    """People only, no team needed: every key is refused."""
    return Statuses(everyone(status) | {"no_token": 401, "key_deleted": 401} | PEOPLE_ONLY)


VIEW = MEMBERS
MANAGE = ("owner", "admin", "manager")
MANAGE_MEMBERS = ("owner", "admin")
BILLING = ("owner",)
KEY_ADMINS = ("owner", "admin")
AMAZON = ("owner", "admin")  # API.md: amazon:access, or an owner's or admin's token
# Paths the proxy passes to the (fake) Amazon in the matrix.
AMAZON_PATHS = {"ads": "v2/profiles", "sp-api": "sellers/v1/marketplaceParticipations"}
READ, WRITE = Scope.CONNECTIONS_READ, Scope.CONNECTIONS_WRITE
RECORDS, HOOKS = Scope.RECORDS_READ, Scope.WEBHOOKS_MANAGE

C = "/api/v1/connections/{connection_id}"
M = C + "/marketplaces/{marketplace_id}"

W = "/api/v1/webhooks"
WEBHOOKS = MANAGE_MEMBERS  # API.md: owner or admin (API keys: scope webhooks:manage)
# Nothing listens on the discard port: a test message is attempted and fails, quickly.
HOOK_URL = "http://127.0.0.1:9/hook"

# (method, route path as Litestar reports it) -> (request body or None, statuses by caller)
MATRIX: Mapping[tuple[str, str], tuple[Any, Statuses]] = {
    ("POST", "/api/v1/teams"): ({"name": "New team", "kind": "agency"}, signed_in(201)),
    ("GET", "/api/v1/teams"): (None, signed_in(200)),
    ("GET", "/api/v1/teams/{team_id}"): (None, team_scoped(200, VIEW, None)),
    ("PATCH", "/api/v1/teams/{team_id}"): ({"plan": "pro"}, team_scoped(200, BILLING, None)),
    ("GET", "/api/v1/teams/{team_id}/members"): (None, team_scoped(200, VIEW, None)),
    ("PUT", "/api/v1/teams/{team_id}/members/{user_id}"): (
        {"role": "member"},
        team_scoped(200, MANAGE_MEMBERS, None),
    ),
    ("DELETE", "/api/v1/teams/{team_id}/members/{user_id}"): (
        None,
        team_scoped(204, MANAGE_MEMBERS, None),
    ),
    ("POST", "/api/v1/connections/authorizations"): (
        {"channel": "ads", "region": "NA", "account_type": "seller"},
        team_scoped(201, MANAGE, WRITE, other_team_key=201),
    ),
    ("GET", "/api/v1/connections/authorizations/{authorization_state}"): (
        None,
        team_scoped(200, VIEW, READ),
    ),
    ("POST", C + "/reconnect"): (None, team_scoped(201, MANAGE, WRITE)),
    ("GET", "/api/v1/connections"): (None, team_scoped(200, VIEW, READ, other_team_key=200)),
    ("GET", C): (None, team_scoped(200, VIEW, READ)),
    ("DELETE", C): (None, team_scoped(204, MANAGE, WRITE)),
    ("POST", C + "/refresh"): (None, team_scoped(200, MANAGE, WRITE)),
    ("GET", C + "/events"): (None, team_scoped(200, VIEW, READ)),
    ("GET", C + "/profiles"): (None, team_scoped(200, VIEW, READ)),
    ("PUT", C + "/profile"): ({"profile_id": "{profile_id}"}, team_scoped(200, MANAGE, WRITE)),
    ("GET", C + "/marketplaces"): (None, team_scoped(200, VIEW, READ)),
    ("PUT", M): ({"selected": True}, team_scoped(200, MANAGE, WRITE)),
    ("POST", M + "/retry"): (None, team_scoped(200, MANAGE, WRITE)),
    ("GET", M + "/history"): (None, team_scoped(200, VIEW, READ)),
    ("GET", C + "/listing-settings"): (None, team_scoped(200, VIEW, READ)),
    ("PUT", C + "/listing-settings"): (
        {"inventory_buffer": 2, "pricing_enabled": True},
        team_scoped(200, MANAGE, WRITE),
    ),
    ("PUT", C + "/listings"): (
        {
            "marketplace_id": "{uk}",
            "items": [{"sku": "A-1", "quantity": 1, "price": "9.99", "currency": "GBP"}],
        },
        team_scoped(200, MANAGE, WRITE),
    ),
    # An empty upload submits nothing; the role is checked before the file is read.
    ("POST", M + "/listings.csv"): (None, team_scoped(200, MANAGE, WRITE)),
    # No snapshot of this SKU yet: a member may ask and is told it is unknown.
    ("GET", C + "/listings/{sku}"): (None, team_scoped(404, VIEW, READ)),
    ("POST", "/api/v1/api-keys"): (
        {"name": "reports", "scopes": ["records:read"]},
        team_scoped(201, KEY_ADMINS, None),
    ),
    ("GET", "/api/v1/api-keys"): (None, team_scoped(200, KEY_ADMINS, None)),
    ("DELETE", "/api/v1/api-keys/{key_id}"): (None, team_scoped(204, KEY_ADMINS, None)),
    ("POST", C + "/access-token"): (
        {"channel": "sp_api"},
        team_scoped(200, AMAZON, Scope.AMAZON_ACCESS),
    ),
    **{
        (method, C + f"/amazon/{api}/{{path}}"): (
            None,
            # A GET of a resource the (fake) Amazon has; other methods get Amazon's 404.
            team_scoped(200 if method == "GET" else 404, AMAZON, Scope.AMAZON_ACCESS),
        )
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        for api in ("ads", "sp-api")
    },
    ("GET", "/api/v1/datasets"): (None, team_scoped(200, VIEW, RECORDS, other_team_key=200)),
    ("GET", "/api/v1/records"): (None, team_scoped(200, VIEW, RECORDS, other_team_key=200)),
    ("POST", W): (
        {"url": HOOK_URL, "events": ["*"]},
        team_scoped(201, WEBHOOKS, HOOKS, other_team_key=201),
    ),
    ("GET", W): (None, team_scoped(200, WEBHOOKS, HOOKS, other_team_key=200)),
    ("GET", W + "/{webhook_id}"): (None, team_scoped(200, WEBHOOKS, HOOKS)),
    ("PATCH", W + "/{webhook_id}"): ({"description": "billing"}, team_scoped(200, WEBHOOKS, HOOKS)),
    ("DELETE", W + "/{webhook_id}"): (None, team_scoped(204, WEBHOOKS, HOOKS)),
    ("POST", W + "/{webhook_id}/rotate-secret"): (None, team_scoped(200, WEBHOOKS, HOOKS)),
    ("POST", W + "/{webhook_id}/test"): (None, team_scoped(200, WEBHOOKS, HOOKS)),
    ("GET", W + "/{webhook_id}/deliveries"): (None, team_scoped(200, WEBHOOKS, HOOKS)),
    ("POST", W + "/deliveries/{delivery_id}/retry"): (None, team_scoped(200, WEBHOOKS, HOOKS)),
    ("POST", W + "/{webhook_id}/replay"): (
        {"since": "2020-01-01T00:00:00Z"},
        team_scoped(202, WEBHOOKS, HOOKS),
    ),
    # Amazon's redirect: no token needed; a forged state is refused whoever asks.
    ("GET", "/oauth/amazon-ads/callback"): (None, everyone(400)),
    ("GET", "/oauth/sp-api/callback"): (None, everyone(400)),
    ("POST", "/api/v1/connect-sessions"): (
        {"end_user": {"id": "user-1"}, "return_to": "https://app.example.com/amazon"},
        team_scoped(201, MANAGE, WRITE, other_team_key=201),
    ),
    # The person's browser: no bearer token counts, only the binding cookie set when the
    # browser opened the link or went to Amazon (binding.py). A caller without it is refused
    # whoever they are; the bounce binds the first browser that opens it (the shared client
    # of the GET cases keeps its cookie, so every caller is that browser).
    ("GET", "/connect/authorize/{authorization_state}"): (None, everyone(303)),
    ("GET", "/connect/{token}"): (None, everyone(400)),
    ("GET", "/connect/s/{session_id}"): (None, everyone(400)),
    ("GET", "/connect/s/{session_id}/events"): (None, everyone(400)),
    ("GET", "/connect/s/{session_id}/disconnect"): (None, everyone(400)),
    **{
        ("POST", f"/connect/s/{{session_id}}/{action}"): (None, everyone(400))
        for action in (
            "authorize",
            "skip-vendor-central",
            "profile",
            "marketplaces",
            "retry",
            "refresh",
            "disconnect",
            "finish",
        )
    },
    ("GET", "/connect/static/{file_path}"): (None, everyone(200)),
    # Swagger UI's own files, served by sellerlink so /schema needs no internet.
    ("GET", "/schema-assets/{file_path}"): (None, everyone(200)),
    ("GET", "/errors"): (None, everyone(200)),
    ("GET", "/errors/{code}"): (None, everyone(200)),
    ("GET", "/health"): (None, everyone(200)),
    ("GET", "/ready"): (None, everyone(200)),
    # Not a user's route: only the metrics token or a loopback address may scrape, and the
    # test client is neither (tests/integration/http/test_metrics_endpoint.py).
    ("GET", "/metrics"): (None, everyone(403)),
    ("GET", "/schema"): (None, everyone(200)),
    ("GET", "/schema/swagger"): (None, everyone(200)),
    ("GET", "/schema/openapi.json"): (None, everyone(200)),
    ("GET", "/schema/oauth2-redirect.html"): (None, everyone(200)),
    ("GET", "/schema/{path}"): (None, everyone(404)),
}

CASES = [(method, path, caller) for (method, path) in MATRIX for caller in CALLERS]


def app_routes(app: Litestar) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        path = route.path
        for name in ("str", "int", "path"):
            path = path.replace(f":{name}}}", "}")
        found |= {(m, path) for m in route.methods if m not in {"OPTIONS", "HEAD"}}
    return found


def declared_scopes(app: Litestar) -> dict[tuple[str, str], Scope | None]:
    found = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            path = route.path.replace(":str}", "}").replace(":int}", "}").replace(":path}", "}")
            for method in handler.http_methods:
                found[(method, path)] = handler.opt.get(SCOPE_OPT)
    return found


def test_every_route_has_a_matrix_entry(web_app: Litestar) -> None:
    routes = app_routes(web_app)
    assert routes - set(MATRIX) == set(), "routes without an authorization matrix entry"
    assert set(MATRIX) - routes == set(), "matrix entries for routes that do not exist"


def test_every_route_declares_the_api_key_scope_the_matrix_expects(web_app: Litestar) -> None:
    declared = declared_scopes(web_app)
    wrong = {
        route: (declared.get(route), statuses.scope)
        for route, (_, statuses) in MATRIX.items()
        if declared.get(route) != statuses.scope
    }
    assert wrong == {}, "route: (declared scope, matrix scope)"


def build_world(api: Api, app: Application) -> tuple[dict[str, str], dict[str, User | None]]:
    """Team Acme (pro) with a connected seller whose DE marketplace failed setup, a pending
    authorization; team Rival, whose owner claims Acme's team context."""
    acme = api.create_team("Acme", plan="pro")
    rival = api.create_team("Rival")
    connection = api.connect(acme["owner"], "failing-marketplace-seller")["connection"]
    marketplaces = api.marketplaces(acme["owner"], connection["id"])
    de = marketplaces["DE"]["marketplace_id"]
    api.select_marketplace(acme["owner"], connection["id"], de)
    app.advance_all_setups()
    assert api.marketplaces(acme["owner"], connection["id"])["DE"]["state"] == "failed"
    profiles = api.ok("GET", f"/api/v1/connections/{connection['id']}/profiles", acme["owner"])
    pending = api.start(acme["owner"], "ads", region="EU")
    session = api.ok("POST", "/api/v1/connect-sessions", acme["owner"], status=201, json={})
    values = {
        "session_id": session["id"],
        "token": "f" * 43,
        "file_path": "connect.js",
        "team_id": acme.id,
        "connection_id": connection["id"],
        "authorization_state": pending.json()["state"],
        "profile_id": profiles["items"][0]["profile_id"],
        "code": "SESSION_EXPIRED",
        "path": "no-such-page",
        "sku": "NO-SUCH-SKU",
    }
    outsider = rival["owner"]
    every = sorted(Scope)
    keys = {"all": api.api_key(acme["owner"], every)}
    for scope in Scope:
        keys[f"only {scope}"] = api.api_key(acme["owner"], [scope])
        keys[f"but {scope}"] = api.api_key(acme["owner"], [s for s in every if s != scope])
    keys["other_team"] = api.api_key(outsider, every)
    keys["team_header"] = User("team_header", keys["all"].token, rival.id)
    keys["deleted"] = api.api_key(acme["owner"], every)
    api.ok("DELETE", f"/api/v1/api-keys/{keys['deleted'].user_id}", acme["owner"], 204)
    values["key_id"] = api.api_key(acme["owner"], ["records:read"], "spare").user_id
    callers: dict[str, User | None] = {role: acme[role] for role in MEMBERS}
    callers["no_team"] = api.user("drifter@nowhere")
    callers["other_team"] = User(outsider.user_id, outsider.token, acme.id)
    callers["no_token"] = None
    callers.update({f"_key {name}": key for name, key in keys.items()})
    hook = api.ok(
        "POST", "/api/v1/webhooks", acme["owner"], 201, json={"url": HOOK_URL, "events": ["*"]}
    )
    values["webhook_id"] = hook["id"]
    values["delivery_id"] = api.ok("POST", f"/api/v1/webhooks/{hook['id']}/test", acme["owner"])[
        "id"
    ]
    values["uk"] = marketplaces["UK"]["marketplace_id"]
    values["de"] = de
    return values, callers


def fill(template: str, values: dict[str, str], method: str) -> str:
    # PUT selects UK (available); retry and history use DE (failed); members: a new user to
    # add, an existing member to remove.
    marketplace = values["uk"] if method == "PUT" else values["de"]
    user = "new@acme" if method == "PUT" else "member@acme"
    if template.startswith("/schema-assets/"):
        values = {**values, "file_path": "swagger-ui.css"}
    api = template.rsplit("/amazon/", 1)[-1].split("/")[0]
    if "/amazon/" in template:
        values = values | {"path": AMAZON_PATHS[api]}
    return template.format(**values, marketplace_id=marketplace, user_id=user)


def caller_for(callers: dict[str, User | None], caller: str, scope: Scope | None) -> User | None:
    """The keys depend on the route: `key` has exactly its scope (every scope for a route
    that has none), `key_lacking` every other one."""
    if caller == "key":
        return callers[f"_key only {scope}" if scope else "_key all"]
    if caller == "key_lacking":
        return callers[f"_key but {scope}" if scope else "_key all"]
    if caller in KEYS:
        return callers["_key " + caller.removeprefix("key_")]
    return callers[caller]


World = tuple[Api, dict[str, str], dict[str, "User | None"]]


@pytest.fixture(scope="module")
def shared_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One world for the read-only (GET) cases and the refusals: they change nothing, so
    building it once per module keeps the matrix fast. Every case that succeeds in changing
    something gets a fresh world of its own."""
    container = in_memory_container()
    container.settings.override(
        providers.Object(Settings(jwt_secret=JWT_SECRET, data_dir=tmp_path_factory.mktemp("m")))
    )
    amazon = InProcessAmazonPage(container.amazon())
    with TestClient(create_app(container)) as client:
        api = Api(client, amazon, JWT_SECRET)
        values, callers = build_world(api, container.application())
        yield api, values, callers
    container.shutdown_resources()
    container.reset_singletons()


@pytest.mark.parametrize(("method", "path", "caller"), CASES)
def test_route_answers_each_caller_as_the_matrix_says(
    request: pytest.FixtureRequest, method: str, path: str, caller: str
) -> None:
    body, statuses = MATRIX[(method, path)]
    if method == "GET" or statuses[caller] >= 400:
        # Reads, and refusals (which must change nothing), share one world.
        api, values, callers = request.getfixturevalue("shared_world")
    else:
        api = request.getfixturevalue("api")
        values, callers = build_world(api, request.getfixturevalue("app"))
    url = fill(path, values, method)
    if path.startswith("/oauth/"):
        url += "?state=" + "f" * 43 + "&code=forged"
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs["json"] = {
            k: (v.format(**values) if isinstance(v, str) else v) for k, v in body.items()
        }
    if path.startswith("/connect/s/") and method == "POST":
        kwargs["data"] = {"channel": "ads", "marketplace_id": values["de"]}
    caller_user = caller_for(callers, caller, statuses.scope)
    response = api.call(method, url, caller_user, follow_redirects=False, **kwargs)
    expected = statuses[caller]
    assert response.status_code == expected, f"{method} {url} as {caller}: {response.text}"
    if expected == 303:
        assert response.headers["location"].startswith("https://")  # on to Amazon
    from_amazon = "/amazon/" in path and expected == statuses["owner"]  # Amazon's own answer
    # Litestar's own schema pages answer in their own format.
    if expected >= 400 and not path.startswith("/schema") and not from_amazon:
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["status"] == expected
        assert problem["type"] == f"/errors/{problem['code']}"
    if caller == "no_token" and expected == 401:
        assert response.json()["code"] == "UNAUTHENTICATED"
    if caller == "no_team" and expected == 403 and path.startswith("/api/v1/connections"):
        assert response.json()["code"] == "NO_TEAM"
    if caller == "other_team" and expected == 403 and path != "/metrics":
        assert response.json()["code"] == "NOT_A_MEMBER"
    if caller == "member" and expected == 403:
        assert response.json()["code"] == "FORBIDDEN_ROLE"
    if caller in KEYS and expected >= 400 and path.startswith("/api/v1") and not from_amazon:
        assert response.json()["code"] == key_refusal(caller, statuses.scope, expected)


def key_refusal(caller: str, scope: Scope | None, status: int) -> str:
    if status == 401:
        return "UNAUTHENTICATED"
    if status == 404:
        return "NOT_FOUND"
    if caller == "key_team_header":
        return "NOT_A_MEMBER"
    return "SCOPE_MISSING" if scope is not None and caller == "key_lacking" else "FORBIDDEN_ROLE"
