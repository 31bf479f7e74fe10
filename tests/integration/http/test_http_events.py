"""The connection timeline: `since` and `limit` (API.md "Settings, listings, events")."""

from __future__ import annotations

import pytest

from harness.driver import Api


@pytest.mark.parametrize(
    ("since", "status"),
    [
        ("2026-01-01T00:00:00Z", 200),
        ("2026-01-01T02:00:00+02:00", 200),
        ("2026-01-01T00:00:00", 200),  # no offset: read as UTC, never a server error
        ("2026-01-01", 422),
        ("yesterday", 422),
    ],
)
def test_since_accepts_rfc_3339_times(api: Api, since: str, status: int) -> None:
    team = api.create_team("Acme")
    connection_id = api.connect(team["owner"], "us-seller")["connection"]["id"]
    response = api.get(
        f"/api/v1/connections/{connection_id}/events", team["member"], params={"since": since}
    )
    assert response.status_code == status, response.text


def test_events_are_filtered_by_since_and_limited(api: Api) -> None:
    team = api.create_team("Acme")
    connection_id = api.connect(team["owner"], "us-seller")["connection"]["id"]
    path = f"/api/v1/connections/{connection_id}/events"
    everything = api.ok("GET", path, team["member"])["items"]
    assert len(everything) >= 3
    assert len(api.ok("GET", path, team["member"], params={"limit": 2})["items"]) == 2
    later = api.ok("GET", path, team["member"], params={"since": "2030-01-01T00:00:00Z"})
    assert later["items"] == []
    assert api.get(path, team["member"], params={"limit": 0}).status_code == 422
    assert api.get(path, team["member"], params={"limit": 1001}).status_code == 422
