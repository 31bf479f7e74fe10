"""Drives the web API the way the product UI and a person's browser do: create a team,
click Connect, approve on the Amazon page, come back through the callback. Shared by the
HTTP integration tests (Litestar TestClient) and the e2e tests (real loopback HTTP): both
hand in an httpx-compatible client.

The "Amazon page" step is an `AmazonPage`: `InProcessAmazonPage` asks the in-process Amazon sandbox
for the redirect's query; `SandboxAmazonPage` posts the sandbox's consent form (API.md
"Sandbox conventions") and reads the query from its 302. Switching a suite to the sandbox is
a change of that one object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

import httpx
from attrs import define, field

from adapters.http import mint_dev_token

ROLES = ("owner", "admin", "manager", "member")
CALLBACK_PATH = {"ads": "/oauth/amazon-ads/callback", "sp_api": "/oauth/sp-api/callback"}
EU_ACCOUNTS = {"eu-seller", "failing-marketplace-seller"}
VENDORS = {"vendor", "vendor-central"}


class AmazonPage(Protocol):
    def consent(self, consent_url: str, account: str, *, approve: bool = True) -> dict[str, str]:
        """Sign in as `account`, click Approve (or Deny); the query Amazon redirects with."""
        ...


@define
class InProcessAmazonPage:
    amazon: Any  # adapters.amazon.sandbox.in_process.InProcessAmazon

    def consent(self, consent_url: str, account: str, *, approve: bool = True) -> dict[str, str]:
        return dict(self.amazon.consent(consent_url, account, approve=approve))


@define
class SandboxAmazonPage:
    """The HTTP sandbox's consent page: its form posts `account` and `decision` with the
    original query back to the same path and answers 302 to sellerlink's callback."""

    browser: httpx.Client

    def consent(self, consent_url: str, account: str, *, approve: bool = True) -> dict[str, str]:
        parts = urlsplit(consent_url)
        form = dict(parse_qsl(parts.query))
        form |= {"account": account, "decision": "approve" if approve else "deny"}
        url = parts._replace(query="").geturl()
        response = self.browser.post(url, data=form, follow_redirects=False)
        assert response.status_code == 302, response.text
        return dict(parse_qsl(urlsplit(response.headers["location"]).query))


@define
class User:
    user_id: str
    token: str
    team_id: str | None = None

    def headers(self, team_id: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        team = team_id or self.team_id
        if team:
            headers["X-Team-Id"] = team
        return headers


@define
class Team:
    id: str
    name: str
    users: dict[str, User] = field(factory=dict)

    def __getitem__(self, role: str) -> User:
        return self.users[role]


@define
class Api:
    client: httpx.Client
    amazon: AmazonPage
    jwt_secret: str
    last: httpx.Response | None = None

    # ---- people and teams ----------------------------------------------------------------

    def user(self, user_id: str, team_id: str | None = None, ttl: timedelta | None = None) -> User:
        token = mint_dev_token(
            self.jwt_secret, user_id, team_id, ttl if ttl is not None else timedelta(hours=1)
        )
        return User(user_id, token, team_id)

    def create_team(self, name: str = "Acme", *, plan: str = "free", kind: str = "brand") -> Team:
        slug = name.lower().replace(" ", "-")
        owner = self.user(f"owner@{slug}")
        response = self.call("POST", "/api/v1/teams", owner, json={"name": name, "kind": kind})
        assert response.status_code == 201, response.text
        team = Team(response.json()["id"], name)
        team.users["owner"] = self.user(owner.user_id, team.id)
        for role in ROLES[1:]:
            user_id = f"{role}@{slug}"
            answer = self.call(
                "PUT",
                f"/api/v1/teams/{team.id}/members/{user_id}",
                team["owner"],
                json={"role": role},
            )
            assert answer.status_code == 200, answer.text
            team.users[role] = self.user(user_id, team.id)
        if plan != "free":
            answer = self.call(
                "PATCH", f"/api/v1/teams/{team.id}", team["owner"], json={"plan": plan}
            )
            assert answer.status_code == 200, answer.text
        return team

    def api_key(self, owner: User, scopes: list[str], name: str = "back end") -> User:
        """A key created by `owner` (owner or admin), as a caller: no X-Team-Id (its team is
        fixed)."""
        body = self.ok(
            "POST", "/api/v1/api-keys", owner, 201, json={"name": name, "scopes": scopes}
        )
        return User(body["id"], body["key"], None)

    # ---- requests ------------------------------------------------------------------------

    def call(
        self, method: str, path: str, user: User | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {**(user.headers() if user else {}), **kwargs.pop("headers", {})}
        self.last = self.client.request(method, path, headers=headers, **kwargs)
        return self.last

    def get(self, path: str, user: User | None = None, **kwargs: Any) -> httpx.Response:
        return self.call("GET", path, user, **kwargs)

    def ok(self, method: str, path: str, user: User, status: int = 200, **kwargs: Any) -> Any:
        response = self.call(method, path, user, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    # ---- connecting ----------------------------------------------------------------------

    def start(
        self,
        user: User,
        channel: str,
        *,
        region: str = "NA",
        account_type: str = "seller",
        connection_id: str | None = None,
        return_to: str | None = None,
        marketplace_id: str | None = None,
    ) -> httpx.Response:
        body: dict[str, Any] = {"channel": channel, "region": region, "account_type": account_type}
        for key, value in (
            ("connection_id", connection_id),
            ("return_to", return_to),
            ("marketplace_id", marketplace_id),
        ):
            if value is not None:
                body[key] = value
        return self.call("POST", "/api/v1/connections/authorizations", user, json=body)

    def follow(self, authorization_url: str) -> str:
        """The person's browser opens `authorization_url`: sellerlink's bounce binds it to
        the state with a cookie (kept in this client's jar, so the callback carries it) and
        sends it on to Amazon. Returns Amazon's consent URL."""
        bounce = self.client.get(authorization_url, follow_redirects=False)
        assert bounce.status_code == 303, bounce.text
        assert "sellerlink_browser" in bounce.headers.get("set-cookie", "")
        return str(bounce.headers["location"])

    def callback(
        self, channel: str, query: Mapping[str, str], *, user: User | None = None, **kwargs: Any
    ) -> httpx.Response:
        return self.call(
            "GET",
            CALLBACK_PATH[channel],
            user,
            params=dict(query),
            follow_redirects=False,
            **kwargs,
        )

    def authorize(
        self,
        user: User,
        account: str,
        channel: str,
        *,
        connection_id: str | None = None,
        approve: bool = True,
        before_callback: Callable[[], object] | None = None,
        return_to: str | None = None,
    ) -> httpx.Response:
        """Connect (one channel): start, approve on Amazon, come back. Returns the callback."""
        started = self.start(
            user,
            channel,
            region="EU" if account in EU_ACCOUNTS else "NA",
            account_type="vendor" if account in VENDORS else "seller",
            connection_id=connection_id,
            return_to=return_to,
        )
        assert started.status_code == 201, started.text
        consent_page = self.follow(started.json()["authorization_url"])
        query = self.amazon.consent(consent_page, account, approve=approve)
        if before_callback is not None:
            before_callback()
        return self.callback(channel, query)

    def connect(self, user: User, account: str) -> dict[str, Any]:
        """Ads, then SP-API for a seller, on one connection; the last callback's body."""
        ads = self.authorize(user, account, "ads")
        assert ads.status_code == 200, ads.text
        body: dict[str, Any] = ads.json()
        if account not in VENDORS:
            sp = self.authorize(user, account, "sp_api", connection_id=body["connection"]["id"])
            assert sp.status_code == 200, sp.text
            body = sp.json()
        return body

    def marketplaces(self, user: User, connection_id: str) -> dict[str, dict[str, Any]]:
        items = self.ok("GET", f"/api/v1/connections/{connection_id}/marketplaces", user)["items"]
        return {m["country_code"]: m for m in items}

    def choose_profile(self, user: User, connection_id: str, profile_id: str) -> Any:
        """The person picks the advertising profile; the connection as the API answers."""
        path = f"/api/v1/connections/{connection_id}/profile"
        return self.ok("PUT", path, user, json={"profile_id": profile_id})

    def select_marketplace(
        self, user: User, connection_id: str, marketplace_id: str, *, selected: bool = True
    ) -> Any:
        """The person ticks (or clears) a marketplace; the marketplace as the API answers."""
        path = f"/api/v1/connections/{connection_id}/marketplaces/{marketplace_id}"
        return self.ok("PUT", path, user, json={"selected": selected})


@contextmanager
def driving(base_url: str, jwt_secret: str, *, timeout: float = 30) -> Iterator[Api]:
    """A person at a running product over loopback HTTP, consenting on the sandbox's own
    Amazon pages (the product serves the sandbox, as `make run` does)."""
    with httpx.Client(base_url=base_url, timeout=timeout) as client:
        yield Api(client, SandboxAmazonPage(client), jwt_secret)
