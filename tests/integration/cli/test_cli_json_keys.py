"""The `--json` keys scripts rely on (shapes.py, docs/support.md): adding a key is fine,
renaming or dropping one must fail here first."""

from __future__ import annotations

from datetime import timedelta

from bootstrap.system import SettableClock

TRANSITION = {"at", "from_state", "to_state", "reason", "actor"}
ERROR = {"code", "title", "message", "detail", "remediation", "context"}


def test_history_retry_timeline_forecast_and_error_keys(run_json, clock: SettableClock, bumpy):
    history = run_json("marketplaces", "history", bumpy.connection_id, "DE")
    assert set(history) >= {"connection_id", "marketplace", "transitions", "retry_history"}
    assert all(set(t) >= TRANSITION for t in history["transitions"] + history["retry_history"])

    retried = run_json("marketplaces", "retry", bumpy.connection_id, "DE", "--operator", "li")
    assert set(retried) >= {"outcome", "marketplace"}

    timeline = run_json("timeline", bumpy.connection_id, "--since", "1h")
    assert set(timeline) >= {"connection_id", "since", "until", "count", "items"}

    clock.advance(timedelta(days=360))
    forecast = run_json("tokens", "forecast")
    assert set(forecast) >= {"as_of", "days", "until", "count", "teams"}
    assert set(forecast["teams"][0]) >= {"team_id", "team_name", "items"}

    failure = run_json("connections", "show", "con_404", exit_code=1)
    assert set(failure) == {"error", "exit_code"}
    assert set(failure["error"]) >= ERROR
    assert failure["exit_code"] == 1


def test_every_time_is_utc_to_the_second(run_json, bumpy):
    shown = run_json("connections", "show", bumpy.connection_id)
    times = [shown["created_at"]] + [
        g[k] for g in shown["grants"] for k in ("authorized_at", "expires_at") if g[k]
    ]
    times += [e["at"] for e in run_json("timeline", bumpy.connection_id)["items"]]
    assert times
    for moment in times:
        assert len(moment) == len("2026-01-05T09:00:00Z"), moment
        assert moment.endswith("Z"), moment
