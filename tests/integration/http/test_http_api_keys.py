"""API keys over HTTP (API.md "API keys"): shown once, listed without secrets, refused at
once when deleted, bound to their team, never a person's role, never logged."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from application.repositories import EventLogQuery
from bootstrap.container import Container
from harness.driver import Api, User


def test_a_key_is_shown_once_and_the_list_never_shows_it(api: Api) -> None:
    acme = api.create_team("Acme")
    created = api.ok(
        "POST",
        "/api/v1/api-keys",
        acme["admin"],
        201,
        json={"name": "orders sync", "scopes": ["amazon:access", "connections:read"]},
    )
    assert api.last is not None
    assert api.last.headers["cache-control"] == "no-store"
    assert created["key"].startswith("slk_" + created["id"] + "_")
    assert len(created["key"].rpartition("_")[2]) == 64  # 256 bits, hex
    listed = api.ok("GET", "/api/v1/api-keys", acme["owner"])["items"]
    assert [k["id"] for k in listed] == [created["id"]]
    assert listed[0]["scopes"] == ["amazon:access", "connections:read"]
    assert listed[0]["last_used_at"] is None
    assert created["key"].rpartition("_")[2] not in api.last.text


def test_a_key_acts_for_its_team_and_is_refused_from_the_moment_it_is_deleted(api: Api) -> None:
    acme = api.create_team("Acme")
    key = api.api_key(acme["owner"], ["connections:read"])
    assert api.ok("GET", "/api/v1/connections", key) == {
        "items": [],
        "next_cursor": None,
        "has_more": False,
    }
    api.ok("DELETE", f"/api/v1/api-keys/{key.user_id}", acme["owner"], 204)
    refused = api.get("/api/v1/connections", key)
    assert refused.status_code == 401
    assert refused.json()["code"] == "UNAUTHENTICATED"


def test_a_wrong_or_malformed_key_is_unauthenticated(api: Api) -> None:
    acme = api.create_team("Acme")
    key = api.api_key(acme["owner"], ["connections:read"])
    forged = key.token[:-4] + ("0000" if not key.token.endswith("0000") else "1111")
    for token in (forged, "slk_", "slk_key_1_short", key.token + "0"):
        answer = api.get("/api/v1/connections", User("x", token))
        assert answer.status_code == 401, token
        assert answer.json()["code"] == "UNAUTHENTICATED"


def test_a_key_without_the_scope_is_told_which_one_is_missing(api: Api) -> None:
    acme = api.create_team("Acme")
    key = api.api_key(acme["owner"], ["records:read"])
    answer = api.get("/api/v1/connections", key)
    assert answer.status_code == 403
    problem = answer.json()
    assert problem["code"] == "SCOPE_MISSING"
    assert "connections:read" in problem["detail"]
    assert problem["remediation"]


def test_last_used_is_kept_to_the_minute(api: Api, container: Container) -> None:
    acme = api.create_team("Acme")
    key = api.api_key(acme["owner"], ["connections:read"])
    clock = container.clock()
    api.ok("GET", "/api/v1/connections", key)
    first = api.ok("GET", "/api/v1/api-keys", acme["owner"])["items"][0]["last_used_at"]
    clock.advance(timedelta(seconds=30))  # type: ignore[attr-defined]
    api.ok("GET", "/api/v1/connections", key)
    assert api.ok("GET", "/api/v1/api-keys", acme["owner"])["items"][0]["last_used_at"] == first
    clock.advance(timedelta(seconds=31))  # type: ignore[attr-defined]
    api.ok("GET", "/api/v1/connections", key)
    later = api.ok("GET", "/api/v1/api-keys", acme["owner"])["items"][0]["last_used_at"]
    assert first is not None
    assert later > first


def test_nobody_can_be_given_the_service_role_of_keys(api: Api) -> None:
    acme = api.create_team("Acme")
    answer = api.call(
        "PUT", f"/api/v1/teams/{acme.id}/members/bob@acme", acme["owner"], json={"role": "service"}
    )
    assert answer.status_code == 422


def test_no_key_secret_reaches_logs_events_or_errors(
    api: Api, container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    acme = api.create_team("Acme")
    with caplog.at_level(logging.DEBUG):
        key = api.api_key(acme["owner"], ["connections:read"])
        secret = key.token.rpartition("_")[2]
        api.get("/api/v1/connections", key)
        refused = api.get("/api/v1/connections", User("x", key.token[:-1] + "0"))
        api.get("/api/v1/api-keys", key)
        api.ok("DELETE", f"/api/v1/api-keys/{key.user_id}", acme["owner"], 204)
        gone = api.get("/api/v1/connections", key)
    with container.application().ports.uow() as uow:
        events = uow.events.list(EventLogQuery(team_id=acme.id))
    assert {str(e.kind) for e in events} >= {"api_key.created", "api_key.deleted"}
    assert secret not in caplog.text
    assert secret not in refused.text
    assert secret not in gone.text
    assert secret not in str(events)
