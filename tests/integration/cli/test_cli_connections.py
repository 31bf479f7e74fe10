"""`sellerlink connections list|show` against SQLite prepared by the use cases."""

from __future__ import annotations

from datetime import timedelta

from adapters.amazon.sandbox.in_process import InProcessAmazon
from application.context import Actor
from bootstrap.system import SettableClock
from domain.grant import Channel
from tests.world import World


def test_list_shows_every_team_connection_with_health_and_token_words(run, bumpy, quiet):
    result = run("connections", "list")

    assert result.exit_code == 0, result.stderr
    for expected in (bumpy.connection_id, quiet.connection_id, "Bumpy Road", "Acme Outdoor"):
        assert expected in result.stdout
    assert "Connected" in result.stdout
    assert "2 failed" in result.stdout


def test_list_json_has_stable_keys(run_json, bumpy):
    found = run_json("connections", "list")

    assert found["count"] == 1
    item = found["items"][0]
    assert set(item) == {
        "id", "team_id", "display_name", "account_type", "region", "selling_partner_id",
        "ads_account_id", "health", "created_at", "disconnected_at", "grants", "profile",
        "marketplaces_summary", "profile_auto_selected", "version",
    }  # fmt: skip
    assert item["id"] == bumpy.connection_id
    assert item["account_type"] == "seller"
    assert item["region"] == "EU"
    assert item["selling_partner_id"] == "A1SBXFAILMKT001"
    assert item["health"] == "connected"
    assert item["created_at"] == "2026-01-05T09:00:00Z"
    assert [(g["channel"], g["status_text"]) for g in item["grants"]] == [
        ("ads", "Current"),
        ("sp_api", "Current"),
    ]
    assert item["marketplaces_summary"]["failed"] == 2


def test_list_filters_by_team(run_json, bumpy, quiet):
    found = run_json("connections", "list", "--team", quiet.team_id)

    assert [i["id"] for i in found["items"]] == [quiet.connection_id]


def test_list_for_an_unknown_team_is_not_found(run, bumpy):
    result = run("connections", "list", "--team", "team_404")

    assert result.exit_code == 1
    assert "NOT_FOUND" in result.stderr
    assert "There is no team team_404." in result.stderr


def test_list_filters_by_health_reconnect_required(
    run_json, world: World, amazon: InProcessAmazon, clock: SettableClock, bumpy, quiet
):
    amazon.revoke("us-seller")
    clock.advance(timedelta(hours=2))
    world.app.refresh_due_tokens()

    found = run_json("connections", "list", "--health", "reconnect_required")

    assert [i["id"] for i in found["items"]] == [quiet.connection_id]
    grants = {g["channel"]: g["status_text"] for g in found["items"][0]["grants"]}
    assert grants == {"ads": "Revoked", "sp_api": "Revoked"}


def test_list_with_an_unknown_health_is_bad_input(run, bumpy):
    result = run("connections", "list", "--health", "sleepy")

    assert result.exit_code == 2
    assert "sleepy" in result.stderr


def test_show_gives_account_tokens_profile_and_marketplaces(run, quiet):
    result = run("connections", "show", quiet.connection_id)

    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for expected in (
        "seller",
        "NA",
        "A1SBXUSSELLER01",
        "Amazon Ads",
        "SP-API",
        "Current",
        "chosen automatically (only one)",
        "Amazon.com",
        "ATVPDKIKX0DER",
    ):
        assert expected in out, expected


def test_show_json_lists_marketplaces_with_state(run_json, bumpy):
    found = run_json("connections", "show", bumpy.connection_id)

    states = {m["country_code"]: (m["state"], m["label"]) for m in found["marketplaces"]}
    assert states == {
        "DE": ("failed", "Failed"),
        "IT": ("failed", "Failed"),
        "FR": ("available", "Available"),
        "UK": ("available", "Available"),
    }
    assert set(found["marketplaces"][0]) == {
        "marketplace_id", "country_code", "name", "state", "label", "selectable", "selected",
        "active", "retries_used", "retry_limit", "last_error", "reason", "connection_id", "sync",
        "reason_code", "retry_at",
    }  # fmt: skip
    assert found["profile"] is None  # three profiles: the team must choose


def test_show_uses_the_help_pages_words_as_expiry_nears(run_json, clock: SettableClock, quiet):
    """Seed 001: "expires in N days" under 30 days (floored), "expires in N hours" on the
    last day (rounded up), then Expired."""
    authorized = clock.now()
    end = authorized + timedelta(days=365)

    def sp_api_text() -> tuple[str, str]:
        found = run_json("connections", "show", quiet.connection_id)
        grant = next(g for g in found["grants"] if g["channel"] == "sp_api")
        return grant["status_text"], found["health"]

    clock.set(end - timedelta(days=12, hours=20))
    assert sp_api_text() == ("expires in 12 days", "expiring")
    clock.set(end - timedelta(hours=4, minutes=10))
    assert sp_api_text() == ("expires in 5 hours", "expiring")
    clock.set(end + timedelta(minutes=1))
    assert sp_api_text() == ("Expired", "reconnect_required")


def test_show_of_a_vendor_says_no_token_present_for_optional_sp_api(run, run_json, world: World):
    world.create_team("Brandworks")
    connection_id = world.connect("vendor", Channel.ADS).connection.id

    found = run_json("connections", "show", connection_id)
    sp_api = next(g for g in found["grants"] if g["channel"] == "sp_api")
    assert (sp_api["status_text"], sp_api["required"]) == ("No token present", False)
    assert found["health"] == "connected"
    assert "No token present (optional)" in run("connections", "show", connection_id).stdout


def test_show_of_a_disconnected_connection_keeps_its_record(run_json, world: World, quiet):
    owner = Actor("owner@globex", quiet.team_id)
    world.app.disconnect(owner, quiet.connection_id)

    found = run_json("connections", "show", quiet.connection_id)

    assert found["health"] == "disconnected"
    assert found["disconnected_at"] == "2026-01-05T09:00:00Z"
    assert {g["status_text"] for g in found["grants"]} == {"No token present"}
    assert [m["country_code"] for m in found["marketplaces"]] == ["US"]


def test_show_unknown_connection_is_not_found(run, bumpy):
    result = run("connections", "show", "con_404")

    assert result.exit_code == 1
    assert "NOT_FOUND" in result.stderr
    assert "There is no connection con_404." in result.stderr
    assert "Check the identifier" in result.stderr  # the catalogue's remediation
    assert "Traceback" not in result.output


def test_show_malformed_connection_id_is_bad_input(run, bumpy):
    for bad in ("con 7", "../etc/passwd", "", "con_7;drop"):
        result = run("connections", "show", bad)
        assert result.exit_code == 2, bad
        assert "VALIDATION_FAILED" in result.stderr
        assert "is not a valid connection id" in result.stderr


def test_show_with_another_team_is_refused(run, run_json, bumpy, quiet):
    found = run_json(
        "connections", "show", bumpy.connection_id, "--team", quiet.team_id, exit_code=3
    )

    assert found["exit_code"] == 3
    assert found["error"]["code"] == "NOT_A_MEMBER"
    assert found["error"]["detail"] == (
        f"Connection {bumpy.connection_id} belongs to another team, not {quiet.team_id}."
    )
    assert found["error"]["remediation"]


def test_show_with_the_right_team_works(run_json, bumpy):
    found = run_json("connections", "show", bumpy.connection_id, "--team", bumpy.team_id)

    assert found["id"] == bumpy.connection_id


def test_people_get_colours_and_scripts_do_not(run, run_json, bumpy):
    coloured = run("connections", "show", bumpy.connection_id, env={"FORCE_COLOR": "1"})
    assert "\x1b[31mFailed" in coloured.stdout  # a failed marketplace in red
    assert "\x1b[" not in run("connections", "show", bumpy.connection_id).stdout  # not a tty
    plain = run(
        "connections", "show", bumpy.connection_id, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}
    )
    assert "\x1b[31m" not in plain.stdout
    scripted = run("connections", "show", bumpy.connection_id, "--json", env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in scripted.stdout


def test_list_finds_a_connection_by_seller_id(run_json, bumpy, quiet):
    everyone = run_json("connections", "list")["items"]
    seller = next(c["selling_partner_id"] for c in everyone if c["id"] == bumpy.connection_id)

    found = run_json("connections", "list", "--seller", seller)

    assert [c["id"] for c in found["items"]] == [bumpy.connection_id]
    assert run_json("connections", "list", "--seller", "A0NOBODY")["count"] == 0
