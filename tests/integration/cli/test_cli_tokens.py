"""`sellerlink tokens forecast`: the authorizations that run out within the window, by team
(seed 002: SP-API must be re-authorized every year)."""

from __future__ import annotations

from datetime import timedelta

from bootstrap.system import SettableClock
from domain.grant import Channel
from tests.world import World


def test_forecast_is_empty_when_nothing_expires_soon(run, run_json, bumpy, quiet):
    found = run_json("tokens", "forecast")

    assert found == {
        "as_of": "2026-01-05T09:00:00Z",
        "days": 30,
        "until": "2026-02-04T09:00:00Z",
        "count": 0,
        "teams": [],
    }
    assert (
        "No authorization expires before 2026-02-04T09:00:00Z." in run("tokens", "forecast").stdout
    )


def test_forecast_groups_expiring_grants_by_team(
    run, run_json, world: World, clock: SettableClock, bumpy
):
    """Acme's SP-API grant was authorized 20 days before Globex's: 30 days ahead catches
    Acme's (12 days 20 hours left: "expires in 12 days") but not Globex's; 60 catch both."""
    clock.advance(timedelta(days=20))
    owner = world.actor(team=world.create_team("Globex"))
    connection_id = world.connect("us-seller", Channel.ADS, actor=owner).connection.id
    world.connect("us-seller", Channel.SP_API, actor=owner, connection_id=connection_id)
    clock.advance(timedelta(days=333, hours=-20))

    soon = run_json("tokens", "forecast", "--days", "30")
    assert soon["count"] == 1
    assert [(t["team_id"], t["team_name"]) for t in soon["teams"]] == [(bumpy.team_id, "Acme")]
    item = soon["teams"][0]["items"][0]
    assert item == {
        "team_id": bumpy.team_id,
        "team_name": "Acme",
        "connection_id": bumpy.connection_id,
        "display_name": "Bumpy Road",
        "selling_partner_id": "A1SBXFAILMKT001",
        "channel": "sp_api",
        "status": "expiring",
        "status_text": "expires in 12 days",
        "expires_at": "2027-01-05T09:00:00Z",
    }

    table = run("tokens", "forecast").stdout
    assert f"Acme ({bumpy.team_id})" in table
    assert "expires in 12 days" in table

    later = run_json("tokens", "forecast", "--days", "60")
    assert [t["team_name"] for t in later["teams"]] == ["Acme", "Globex"]
    assert later["teams"][1]["items"][0]["status_text"] == "Current"


def test_forecast_includes_already_expired_grants_and_filters_by_team(
    run_json, world: World, clock: SettableClock, bumpy, quiet
):
    clock.advance(timedelta(days=366))

    found = run_json("tokens", "forecast", "--team", quiet.team_id)

    assert [t["team_id"] for t in found["teams"]] == [quiet.team_id]
    assert [(i["channel"], i["status_text"]) for i in found["teams"][0]["items"]] == [
        ("sp_api", "Expired")
    ]
    assert run_json("tokens", "forecast")["count"] == 2


def test_forecast_bad_input(run, bumpy):
    assert run("tokens", "forecast", "--days", "0").exit_code == 2
    assert run("tokens", "forecast", "--days", "soon").exit_code == 2
    assert run("tokens", "forecast", "--team", "team 1").exit_code == 2
    unknown = run("tokens", "forecast", "--team", "team_404")
    assert unknown.exit_code == 1
    assert "There is no team team_404." in unknown.stderr
