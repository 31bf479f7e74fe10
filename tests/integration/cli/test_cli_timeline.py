"""`sellerlink timeline CONNECTION`: the audit trail, newest first, filterable by time."""

from __future__ import annotations

from datetime import timedelta

from bootstrap.system import SettableClock
from tests.integration.cli.conftest import one_line


def test_timeline_is_newest_first_with_who_did_what(run_json, run, clock: SettableClock, bumpy):
    clock.advance(timedelta(days=2))
    run("marketplaces", "retry", bumpy.connection_id, "DE", "--operator", "maria")

    found = run_json("timeline", bumpy.connection_id)

    assert found["connection_id"] == bumpy.connection_id
    assert found["count"] == len(found["items"]) > 5
    times = [e["at"] for e in found["items"]]
    assert times == sorted(times, reverse=True)
    newest = found["items"][0]
    assert set(newest) == {
        "id",
        "at",
        "kind",
        "actor",
        "summary",
        "detail",
        "team_id",
        "connection_id",
        "data",
    }
    assert newest["at"] == "2026-01-07T09:00:00Z"
    assert newest["actor"] == "support:maria"
    assert newest["data"]["marketplace_id"] == bumpy.de
    kinds = {e["kind"] for e in found["items"]}
    assert {"connection.created", "connection.channel_authorized", "marketplace.changed"} <= kinds


def test_timeline_filters_by_relative_and_iso_times(run_json, run, clock: SettableClock, bumpy):
    clock.advance(timedelta(days=2))
    run("marketplaces", "retry", bumpy.connection_id, "DE", "--operator", "maria")
    everything = run_json("timeline", bumpy.connection_id)["items"]

    recent = run_json("timeline", bumpy.connection_id, "--since", "1d")
    assert [e["actor"] for e in recent["items"]] == ["support:maria"]
    assert recent["since"] == "2026-01-06T09:00:00Z"

    hours = run_json("timeline", bumpy.connection_id, "--since", "47h")
    assert len(hours["items"]) == 1

    early = run_json("timeline", bumpy.connection_id, "--until", "2026-01-06")
    assert len(early["items"]) == len(everything) - 1
    assert early["until"] == "2026-01-06T00:00:00Z"

    window = run_json(
        "timeline",
        bumpy.connection_id,
        "--since",
        "2026-01-07T08:00:00Z",
        "--until",
        "2026-01-07T10:00:00+00:00",
    )
    assert [e["actor"] for e in window["items"]] == ["support:maria"]

    assert run_json("timeline", bumpy.connection_id, "--since", "2026-02-01")["items"] == []


def test_timeline_limit_keeps_the_newest(run_json, bumpy):
    found = run_json("timeline", bumpy.connection_id, "--limit", "2")

    everything = run_json("timeline", bumpy.connection_id)
    assert found["items"] == everything["items"][:2]


def test_timeline_for_people_is_a_table(run, bumpy):
    result = run("timeline", bumpy.connection_id)

    assert result.exit_code == 0, result.stderr
    assert f"Timeline of {bumpy.connection_id}, newest first" in result.stdout
    assert "Amazon.de: setting_up -> failed (Failed to create geocompany for DE)" in result.stdout
    assert "2026-01-05T09:00:00Z" in result.stdout


def test_timeline_bad_times_are_bad_input(run, bumpy):
    for args, words in (
        (["--since", "yesterday"], "is not a time"),
        (["--until", "2026-13-01"], "is not a time"),
        (["--since", "7x"], "is not a time"),
        (["--since", "2026-01-07", "--until", "2026-01-06"], "--since is after --until"),
    ):
        result = run("timeline", bumpy.connection_id, *args)
        assert result.exit_code == 2, args
        assert "VALIDATION_FAILED" in result.stderr
        assert words in one_line(result.stderr), args
    assert run("timeline", bumpy.connection_id, "--limit", "0").exit_code == 2


def test_timeline_unknown_malformed_or_other_team(run, bumpy, quiet):
    assert run("timeline", "con_404").exit_code == 1
    assert run("timeline", "con/7").exit_code == 2
    refused = run("timeline", bumpy.connection_id, "--team", quiet.team_id)
    assert refused.exit_code == 3
    assert "belongs to another team" in refused.stderr
