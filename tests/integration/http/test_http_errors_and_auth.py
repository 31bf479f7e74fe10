"""Problem details, authentication and request ids through the real app (TestClient)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.di import Provide
from litestar.testing import TestClient

from adapters.http import Authenticator, build_api, mint_dev_token
from adapters.http.problems import STATUS
from bootstrap.container import Container
from domain.errors import CATALOGUE, ErrorCode
from harness.driver import Api
from tests.integration.http.conftest import JWT_SECRET


def hs256(payload: dict[str, Any], secret: str = JWT_SECRET) -> str:
    """A hand-made HS256 JWT, for claims `mint_dev_token` would never produce."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(payload).encode())
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "remediation", "request_id"}


def test_every_error_code_has_a_status() -> None:
    assert set(STATUS) == set(ErrorCode)


def test_problem_has_the_rfc_9457_shape_and_the_catalogue_words(api: Api) -> None:
    team = api.create_team("Acme")
    response = api.get("/api/v1/connections/con_404", team["owner"])
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert set(problem) >= PROBLEM_KEYS
    assert problem["type"] == "/errors/NOT_FOUND"
    assert problem["title"] == CATALOGUE[ErrorCode.NOT_FOUND].title
    assert problem["remediation"] == list(CATALOGUE[ErrorCode.NOT_FOUND].remediation)
    assert problem["detail"] == "There is no connection con_404 in this team."
    assert problem["request_id"] == response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "fax", "region": "NA", "account_type": "seller"}, "channel"),
        (
            {
                "channel": "ads",
                "region": "NA",
                "account_type": "seller",
                "return_to": "https://evil.example/steal",
            },
            "return_to",
        ),
    ],
    ids=["an unknown channel", "a return_to on another site"],
)
def test_a_refused_body_is_422_with_one_entry_naming_the_field(
    api: Api, body: dict[str, str], field: str
) -> None:
    team = api.create_team("Acme")
    response = api.call("POST", "/api/v1/connections/authorizations", team["owner"], json=body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "VALIDATION_FAILED"
    assert [e["field"] for e in problem["errors"]] == [field]


def test_malformed_json_is_400_bad_input(api: Api) -> None:
    team = api.create_team("Acme")
    response = api.call(
        "POST",
        "/api/v1/teams",
        team["owner"],
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_FAILED"


def test_unknown_route_and_wrong_method_are_problems(api: Api) -> None:
    missing = api.get("/api/v1/nothing-here")
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")
    wrong = api.call("DELETE", "/health")
    assert wrong.status_code == 405
    assert wrong.headers["allow"]
    assert wrong.headers["content-type"].startswith("application/problem+json")


class _Exploding:
    """Stands in for the Application: any use case fails unexpectedly with a secret in it."""

    def __getattr__(self, name: str) -> Any:
        def explode(*args: object, **kwargs: object) -> None:
            raise RuntimeError("refresh token Atzr|super-secret leaked into a message")

        return explode


def test_unexpected_exception_is_internal_error_without_trace_or_secret(
    container: Container, web_app: Litestar, caplog: pytest.LogCaptureFixture
) -> None:
    container.application.override(providers.Object(_Exploding()))
    token = mint_dev_token(JWT_SECRET, "owner@acme", "team_1")
    with TestClient(web_app) as client, caplog.at_level(logging.ERROR):
        response = client.get(
            "/api/v1/connections",
            headers={"Authorization": f"Bearer {token}", "X-Request-Id": "trace-me-42"},
        )
    assert response.status_code == 500
    problem = response.json()
    assert problem["code"] == "INTERNAL_ERROR"
    assert problem["request_id"] == "trace-me-42"
    assert "Atzr" not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    assert any("trace-me-42" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "no header"),
        ("Basic dXNlcjpwYXNz", "not a bearer token"),
        ("Bearer not-a-jwt", "garbage"),
        ("Bearer " + mint_dev_token("another-secret-entirely-0123456789", "owner@acme"), "key"),
        (
            "Bearer " + mint_dev_token(JWT_SECRET, "owner@acme", ttl=timedelta(minutes=-5)),
            "expired",
        ),
        ("Bearer " + hs256({"sub": "owner@acme"}), "no expiry"),
        ("Bearer " + hs256({"exp": 4102444800}), "no subject"),
        ("Bearer " + hs256({"sub": " ", "exp": 4102444800}), "blank subject"),
        (
            "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
            "eyJzdWIiOiJvd25lckBhY21lIiwiZXhwIjo0MTAyNDQ0ODAwfQ.",
            "alg none",
        ),
    ],
)
def test_missing_or_invalid_token_is_401(api: Api, header: str | None, reason: str) -> None:
    response = api.call("GET", "/api/v1/teams", headers={"Authorization": header} if header else {})
    assert response.status_code == 401, reason
    assert response.json()["code"] == "UNAUTHENTICATED"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_team_comes_from_the_header_or_else_the_claim(api: Api) -> None:
    team = api.create_team("Acme")
    with_claim = api.user("owner@acme", team.id)
    assert api.get("/api/v1/connections", with_claim).status_code == 200
    no_team = api.user("owner@acme")
    assert api.get("/api/v1/connections", no_team).json()["code"] == "NO_TEAM"
    header = api.get("/api/v1/connections", no_team, headers={"X-Team-Id": team.id})
    assert header.status_code == 200


def test_issuer_and_audience_are_enforced_when_configured() -> None:
    from domain.errors import Unauthenticated

    auth = Authenticator(secret=JWT_SECRET, issuer="https://idp.example", audience="sellerlink")
    good = mint_dev_token(JWT_SECRET, "u", issuer="https://idp.example", audience="sellerlink")
    assert auth.authenticate(f"Bearer {good}").user_id == "u"
    for bad in (
        mint_dev_token(JWT_SECRET, "u", issuer="https://other.example", audience="sellerlink"),
        mint_dev_token(JWT_SECRET, "u", issuer="https://idp.example", audience="someone-else"),
        mint_dev_token(JWT_SECRET, "u"),
    ):
        with pytest.raises(Unauthenticated):
            auth.authenticate(f"Bearer {bad}")


def test_request_id_is_kept_when_sane_and_replaced_when_not(client: TestClient[Litestar]) -> None:
    kept = client.get("/health", headers={"X-Request-Id": "ui-7f3a.2"})
    assert kept.headers["x-request-id"] == "ui-7f3a.2"
    replaced = client.get("/health", headers={"X-Request-Id": "<script>" + "x" * 300})
    assert replaced.headers["x-request-id"].startswith("req_")
    fresh = client.get("/health")
    assert fresh.headers["x-request-id"] != client.get("/health").headers["x-request-id"]


def test_error_pages_explain_each_code_in_html_and_json(client: TestClient[Litestar]) -> None:
    as_json = client.get("/errors/ACCOUNT_IN_USE").json()
    assert as_json["status"] == 409
    assert as_json["remediation"] == list(CATALOGUE[ErrorCode.ACCOUNT_IN_USE].remediation)
    as_html = client.get("/errors/ACCOUNT_IN_USE", headers={"Accept": "text/html"})
    assert as_html.headers["content-type"].startswith("text/html")
    assert "This account is already in use" in as_html.text
    assert len(client.get("/errors").json()) == len(ErrorCode)
    assert client.get("/errors/NO_SUCH_CODE").status_code == 404


def test_openapi_document_is_3_1_with_bearer_security(client: TestClient[Litestar]) -> None:
    document = client.get("/schema/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    operation = document["paths"]["/api/v1/connections/{connection_id}"]["get"]
    assert operation["security"] == [{"BearerToken": []}]
    problem = operation["responses"]["404"]["content"]["application/problem+json"]
    assert problem["schema"]["$ref"].endswith("/Problem")
    assert client.get("/schema").status_code == 200
    assert client.get("/schema/swagger").status_code == 200


def test_readiness_reports_the_database_and_fails_when_a_check_fails(
    container: Container, web_app: Litestar
) -> None:
    with TestClient(web_app) as client:
        assert client.get("/ready").json() == {
            "status": "ready",
            "checks": {"database": "ok", "app_credentials": "ok"},
        }

    def worker_gone() -> None:
        raise ConnectionError("worker heartbeat is stale")

    broken = build_api(
        dependencies={
            "application": Provide(lambda: container.application(), sync_to_thread=False)
        },
        authenticator=Authenticator(secret=JWT_SECRET),
        readiness={"worker": worker_gone},
    )
    with TestClient(broken) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "not_ready", "checks": {"worker": "failing"}}
    assert "heartbeat" not in response.text


def test_every_documented_error_response_is_problem_json(client: TestClient[Litestar]) -> None:
    document = client.get("/schema/openapi.json").json()
    not_problems = [
        (method, path, status)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if status[0] in "45" and "application/problem+json" not in (response.get("content") or {})
    ]
    # /ready answers 503 with its own report of the failing checks.
    assert not_problems == [("get", "/ready", "503")]


def test_control_characters_are_refused_at_the_edge(api: Api) -> None:
    team = api.create_team("Acme")
    owner = team["owner"]
    named = api.call("POST", "/api/v1/teams", owner, json={"name": "Ac\x00me", "kind": "brand"})
    assert named.status_code == 422
    assert named.json()["errors"][0]["field"] == "name"
    blank = api.call("POST", "/api/v1/teams", owner, json={"name": "   ", "kind": "brand"})
    assert blank.status_code == 422
    path = api.get("/api/v1/connections/con%00x", owner)
    assert path.status_code == 422
