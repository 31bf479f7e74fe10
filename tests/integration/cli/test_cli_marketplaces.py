"""`sellerlink marketplaces history|retry`: seed 000's Retry and escalation "with the exact
marketplace and retry history", on the same use case and limit as the app's Retry button."""

from __future__ import annotations

from application.app import Application
from application.context import Actor
from tests.integration.cli.conftest import one_line


def test_history_lists_every_transition_with_reason_and_actor(run_json, bumpy):
    found = run_json("marketplaces", "history", bumpy.connection_id, bumpy.de)

    assert found["connection_id"] == bumpy.connection_id
    assert found["marketplace"]["state"] == "failed"
    assert [
        (t["from_state"], t["to_state"], t["reason"], t["actor"]) for t in found["transitions"]
    ] == [
        (None, "available", "discovered", "amazon"),
        ("available", "setting_up", "selected", "user:owner@acme"),
        ("setting_up", "failed", "Failed to create geocompany for DE", "worker"),
    ]
    assert found["transitions"][0]["at"] == "2026-01-05T09:00:00Z"
    assert [t["to_state"] for t in found["retry_history"]] == ["failed"]


def test_history_accepts_a_country_code(run_json, bumpy):
    by_country = run_json("marketplaces", "history", bumpy.connection_id, "de")
    by_id = run_json("marketplaces", "history", bumpy.connection_id, bumpy.de)

    assert by_country == by_id


def test_history_for_people_shows_state_retries_and_last_error(run, bumpy):
    result = run("marketplaces", "history", bumpy.connection_id, "DE")

    assert result.exit_code == 0, result.stderr
    for expected in (
        "Amazon.de (DE, A1PA6795UKMFR9)",
        "Failed",
        "retries used 0 of 3",
        "Last error: Failed to create geocompany for DE",
        "Every transition",
        "Retry history",
    ):
        assert expected in result.stdout, expected


def test_history_of_a_marketplace_the_connection_lacks_is_not_found(run, bumpy):
    for missing in ("JP", "A1VC38T7YXB528"):
        result = run("marketplaces", "history", bumpy.connection_id, missing)
        assert result.exit_code == 1, missing
        assert "NOT_FOUND" in result.stderr


def test_history_with_a_malformed_marketplace_is_bad_input(run, bumpy):
    result = run("marketplaces", "history", bumpy.connection_id, "Amazon.de")

    assert result.exit_code == 2
    assert "neither a marketplace id" in result.stderr


def test_history_of_another_teams_connection_is_refused(run, bumpy, quiet):
    result = run("marketplaces", "history", bumpy.connection_id, "DE", "--team", quiet.team_id)

    assert result.exit_code == 3
    assert "NOT_A_MEMBER" in result.stderr


def test_retry_moves_a_failed_marketplace_back_to_setting_up_as_support(run, run_json, bumpy):
    result = run("marketplaces", "retry", bumpy.connection_id, "DE", "--operator", "maria")

    assert result.exit_code == 0, result.stderr
    assert (
        "Amazon.de: retry 1 of 3, back to Setting up... (recorded as support:maria)."
        in one_line(result.stdout)
    )
    found = run_json("marketplaces", "history", bumpy.connection_id, "DE")
    assert found["marketplace"]["state"] == "setting_up"
    assert found["transitions"][-1] == {
        "at": "2026-01-05T09:00:00Z",
        "from_state": "failed",
        "to_state": "setting_up",
        "reason": "retry",
        "actor": "support:maria",
    }
    timeline = run_json("timeline", bumpy.connection_id, "--limit", "1")
    assert timeline["items"][0]["actor"] == "support:maria"


def test_retry_json_reports_the_outcome(run_json, bumpy):
    found = run_json("marketplaces", "retry", bumpy.connection_id, bumpy.de, "--operator", "maria")

    assert found["outcome"] == "retrying"
    assert found["marketplace"]["retries_used"] == 1
    assert found["marketplace"]["state"] == "setting_up"


def test_retry_takes_the_operator_from_the_environment(run_json, bumpy):
    run_json("marketplaces", "retry", bumpy.connection_id, "DE", env={"SELLERLINK_OPERATOR": "li"})

    history = run_json("marketplaces", "history", bumpy.connection_id, "DE")
    assert history["transitions"][-1]["actor"] == "support:li"


def test_retry_recovers_a_marketplace_that_fails_twice(run, run_json, app: Application, bumpy):
    """The sandbox fails DE's setup on the first two attempts, so the second retry wins."""
    for _ in range(2):
        assert (
            run("marketplaces", "retry", bumpy.connection_id, "DE", "--operator", "maria").exit_code
            == 0
        )
        app.advance_all_setups()  # the worker's pass
    app.advance_all_setups()

    found = run_json("marketplaces", "history", bumpy.connection_id, "DE")
    assert found["marketplace"]["state"] == "ready"
    assert found["marketplace"]["retries_used"] == 2


def test_retry_past_the_limit_escalates_with_the_retry_history(
    run, run_json, app: Application, bumpy, snapshot
):
    """IT always fails: three retries are allowed, the fourth escalates (exit 3) and shows
    the retry history support attaches to the ticket."""
    for _ in range(3):
        assert (
            run("marketplaces", "retry", bumpy.connection_id, "IT", "--operator", "maria").exit_code
            == 0
        )
        app.advance_all_setups()

    result = run("marketplaces", "retry", bumpy.connection_id, "IT", "--operator", "maria")

    assert result.exit_code == 3
    err = one_line(result.stderr)
    assert "RETRY_LIMIT_EXCEEDED" in err
    assert "Amazon.it failed setup 4 times and was escalated to support." in err
    assert "Retry history" in err
    assert err.count("Failed to create geocompany for IT") == 4
    assert "support:maria" in err
    history = run_json("marketplaces", "history", bumpy.connection_id, "IT")
    assert history["marketplace"]["state"] == "escalated"
    assert history["marketplace"]["label"] == "Escalated to support"
    assert history["transitions"][-1]["reason"] == "retry limit of 3 reached"
    kinds = [e["kind"] for e in run_json("timeline", bumpy.connection_id)["items"]]
    assert kinds[0] == "marketplace.escalated"

    before = snapshot()
    again = run_json(
        "marketplaces", "retry", bumpy.connection_id, "IT", "--operator", "maria", exit_code=3
    )
    assert again["error"]["code"] == "INVALID_TRANSITION"
    assert "Only a failed marketplace can be retried" in again["error"]["detail"]
    assert snapshot() == before


def test_retry_escalation_json_carries_the_history(run, run_json, app: Application, bumpy):
    for _ in range(3):
        run("marketplaces", "retry", bumpy.connection_id, "IT", "--operator", "maria")
        app.advance_all_setups()

    found = run_json(
        "marketplaces", "retry", bumpy.connection_id, "IT", "--operator", "maria", exit_code=3
    )

    assert found["error"]["code"] == "RETRY_LIMIT_EXCEEDED"
    assert found["error"]["context"]["retry_limit"] == 3
    history = found["error"]["context"]["history"]
    assert [h["to_state"] for h in history] == [
        "failed", "setting_up", "failed", "setting_up", "failed", "setting_up", "failed",
        "escalated",
    ]  # fmt: skip
    assert history[-1]["actor"] == "support:maria"


def test_retry_of_a_marketplace_that_is_not_failed_is_refused_and_changes_nothing(
    run, bumpy, snapshot
):
    before = snapshot()

    result = run("marketplaces", "retry", bumpy.connection_id, "UK", "--operator", "maria")

    assert result.exit_code == 3
    assert "INVALID_TRANSITION" in result.stderr
    assert "Only a failed marketplace can be retried; Amazon.co.uk is Available." in one_line(
        result.stderr
    )
    assert snapshot() == before


def test_retry_bad_input_is_refused_and_changes_nothing(run, bumpy, quiet, snapshot):
    before = snapshot()
    cases = [
        (["con_404", "DE", "--operator", "maria"], 1, "NOT_FOUND"),
        ([bumpy.connection_id, "JP", "--operator", "maria"], 1, "NOT_FOUND"),
        (["con 7", "DE", "--operator", "maria"], 2, "VALIDATION_FAILED"),
        ([bumpy.connection_id, "D E", "--operator", "maria"], 2, "VALIDATION_FAILED"),
        ([bumpy.connection_id, "DE"], 2, "--operator NAME"),
        ([bumpy.connection_id, "DE", "--operator", "maria smith"], 2, "not a usable operator"),
        (
            [bumpy.connection_id, "DE", "--operator", "maria", "--team", quiet.team_id],
            3,
            "NOT_A_MEMBER",
        ),
        ([bumpy.connection_id, "DE", "--operator", "maria", "--team", "team_404"], 1, "no team"),
    ]
    for args, exit_code, words in cases:
        result = run("marketplaces", "retry", *args, env={"SELLERLINK_OPERATOR": ""})
        assert result.exit_code == exit_code, (args, result.stderr)
        assert words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
    assert snapshot() == before


def test_retry_on_a_disconnected_connection_is_refused_and_changes_nothing(
    run, app: Application, bumpy, snapshot
):
    app.disconnect(Actor("owner@acme", bumpy.team_id), bumpy.connection_id)
    before = snapshot()

    result = run("marketplaces", "retry", bumpy.connection_id, "DE", "--operator", "maria")

    assert result.exit_code == 3
    assert "INVALID_TRANSITION" in result.stderr
    assert "is disconnected" in result.stderr
    assert snapshot() == before


def _escalate(run, app: Application, connection_id: str, country: str) -> None:
    for _ in range(4):
        run("marketplaces", "retry", connection_id, country, "--operator", "maria")
        app.advance_all_setups()


def _by_support(run, run_json, action: str, connection_id: str, reason: str, said: str) -> dict:
    """Support (operator li) takes `action` on the Italian marketplace, which says `said`
    and is recorded with li's reason; the marketplace's history afterwards."""
    result = run(
        "marketplaces", action, connection_id, "IT", "--operator", "li", "--reason", reason
    )
    assert result.exit_code == 0, result.stderr
    assert said in one_line(result.stdout)
    history = run_json("marketplaces", "history", connection_id, "IT")
    last = history["transitions"][-1]
    assert (last["actor"], last["reason"]) == ("support:li", reason)
    return history


def test_reopen_takes_an_escalated_marketplace_back_into_setup_with_fresh_retries(
    run, run_json, app: Application, bumpy
):
    _escalate(run, app, bumpy.connection_id, "IT")

    history = _by_support(
        run, run_json, "reopen", bumpy.connection_id, "geocompany fixed by Amazon",
        said="Amazon.it: reopened with 3 retries, back to Setting up... (recorded as support:li).",
    )  # fmt: skip

    assert history["marketplace"]["state"] == "setting_up"
    assert history["marketplace"]["retries_used"] == 0
    assert history["transitions"][-1]["from_state"] == "escalated"
    newest = run_json("timeline", bumpy.connection_id)["items"][0]
    assert newest["kind"] == "marketplace.changed"
    assert "reopened by support" in newest["summary"]


def test_reopen_of_a_marketplace_that_is_not_escalated_is_refused_and_changes_nothing(
    run, run_json, bumpy, snapshot
):
    before = snapshot()

    failed = run(
        "marketplaces", "reopen", bumpy.connection_id, "UK", "--operator", "li", "--reason", "x"
    )
    blank = run_json(
        "marketplaces", "reopen", bumpy.connection_id, "UK",
        "--operator", "li", "--reason", "  ", exit_code=2,
    )  # fmt: skip

    assert failed.exit_code == 3
    assert "Only an escalated marketplace can be reopened by support." in one_line(failed.stderr)
    assert blank["error"]["code"] == "VALIDATION_FAILED"
    assert snapshot() == before


def test_resolve_closes_an_escalation_by_deselecting_the_marketplace_history_kept(
    run, run_json, app: Application, bumpy, snapshot
):
    _escalate(run, app, bumpy.connection_id, "IT")
    refused = run(
        "marketplaces", "resolve", bumpy.connection_id, "UK", "--operator", "li", "--reason", "x"
    )
    assert refused.exit_code == 3
    assert "Only an escalated marketplace can be resolved by support." in one_line(refused.stderr)

    history = _by_support(
        run, run_json, "resolve", bumpy.connection_id, "seller stopped selling in Italy",
        said="Amazon.it: escalation resolved and deselected, back to Available (recorded as "
        "support:li).",
    )  # fmt: skip

    assert history["marketplace"]["state"] == "available"
    assert history["marketplace"]["selected"] is False
    states = [t["to_state"] for t in history["transitions"]]
    assert "escalated" in states
    assert states[-1] == "available"
    # Nothing claims it is still being worked on: the worker leaves it alone.
    app.advance_all_setups()
    after = run_json("marketplaces", "history", bumpy.connection_id, "IT")
    assert after["marketplace"]["state"] == "available"
