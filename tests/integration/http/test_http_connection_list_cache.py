"""GET /api/v1/connections serves a page again as the bytes it was sent as, and
never once it would read differently: a change is visible on the very next read, the words
that count time down move with the clock, and the caller's access is checked every time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from adapters.http.read_cache import STATE_KEY, PageCache
from bootstrap.system import SettableClock
from harness.driver import Api

LIST = "/api/v1/connections"


def _sp_api(connection: dict[str, Any]) -> dict[str, Any]:
    return next(g for g in connection["grants"] if g["channel"] == "sp_api")


def test_a_change_shows_on_the_next_read_of_a_kept_page(
    api: Api, client: TestClient[Litestar]
) -> None:
    team = api.create_team("Agency", plan="pro", kind="agency")
    owner = team["owner"]
    us = api.connect(owner, "us-seller")["connection"]
    first = api.call("GET", LIST, owner)
    again = api.call("GET", LIST, owner)
    assert again.content == first.content
    cache: PageCache = client.app.state[STATE_KEY]
    assert cache.get((team.id, *_default_query())) is not None, "the page was kept"

    # A new connection, a marketplace's setup, a disconnection: each on the next read.
    eu = api.connect(owner, "eu-seller")["connection"]
    assert {c["id"] for c in api.ok("GET", LIST, owner)["items"]} == {us["id"], eu["id"]}
    marketplace = api.ok("GET", f"{LIST}/{eu['id']}/marketplaces", owner)["items"][0]
    api.select_marketplace(owner, eu["id"], marketplace["marketplace_id"])
    listed = {c["id"]: c for c in api.ok("GET", LIST, owner)["items"]}
    assert listed[eu["id"]]["marketplaces_summary"]["setting_up"] == 1
    shown = api.call("GET", f"{LIST}/{us['id']}", owner)
    assert api.call("GET", f"{LIST}/{us['id']}", owner).content == shown.content
    api.ok("DELETE", f"{LIST}/{us['id']}", owner, status=204)
    assert [c["id"] for c in api.ok("GET", LIST, owner)["items"]] == [eu["id"]]
    gone = api.call("GET", f"{LIST}/{us['id']}", owner)
    assert (gone.status_code, gone.json()["code"]) == (404, "NOT_FOUND")


def test_a_kept_page_counts_down_with_the_clock(api: Api, clock: SettableClock) -> None:
    team = api.create_team("Shop")
    owner = team["owner"]
    api.connect(owner, "us-seller")
    assert _sp_api(api.ok("GET", LIST, owner)["items"][0])["status_text"] == "Current"
    clock.advance(timedelta(days=340))  # SP-API authorizations last 365 days
    grant = _sp_api(api.ok("GET", LIST, owner)["items"][0])
    assert (grant["status"], grant["status_text"]) == ("expiring", "expires in 25 days")
    clock.advance(timedelta(days=1))
    assert _sp_api(api.ok("GET", LIST, owner)["items"][0])["status_text"] == "expires in 24 days"
    # The connection's health and a health filter follow the same clock.
    clock.advance(timedelta(days=30))
    assert api.ok("GET", LIST, owner)["items"][0]["health"] == "reconnect_required"
    assert len(api.ok("GET", f"{LIST}?health=connected", owner)["items"]) == 0


def test_a_kept_page_is_served_only_to_who_may_read_it(api: Api) -> None:
    shop, other = api.create_team("Shop"), api.create_team("Other")
    connection = api.connect(shop["owner"], "us-seller")["connection"]
    assert [c["id"] for c in api.ok("GET", LIST, shop["member"])["items"]] == [connection["id"]]
    # Someone of another team naming this team, and the other team's own list.
    intruder = api.user(other["owner"].user_id, shop.id)
    for path in (LIST, f"{LIST}/{connection['id']}"):
        api.ok("GET", path, shop["member"])  # kept
        refused = api.call("GET", path, intruder)
        assert (refused.status_code, refused.json()["code"]) == (403, "NOT_A_MEMBER")
    assert api.ok("GET", LIST, other["owner"])["items"] == []
    # A member removed from the team is refused at once, the page kept or not.
    api.ok(
        "DELETE",
        f"/api/v1/teams/{shop.id}/members/{shop['member'].user_id}",
        shop["owner"],
        status=204,
    )
    refused = api.call("GET", LIST, shop["member"])
    assert (refused.status_code, refused.json()["code"]) == (403, "NOT_A_MEMBER")


def _default_query() -> tuple[Any, ...]:
    from application.queries import DEFAULT_PAGE, ConnectionFilter

    return (ConnectionFilter(), None, DEFAULT_PAGE)
