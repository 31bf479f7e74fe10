"""The support CLI at 80 and 120 columns: with sellerlink's real ids (ULIDs,
30 characters), every column a support agent needs is on screen, whole, and no line is
wider than the terminal. A table that does not fit becomes vertical records; ids are never
cut or folded, because they are copied into the next command. `COLUMNS` sets the width, as
for a pipe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dependency_injector import providers

from bootstrap.container import Container
from bootstrap.system import SettableClock, UlidIds
from tests.integration.cli.conftest import Bumpy, Quiet, Run

WIDTHS = [80, 120]


@pytest.fixture
def ulids(container: Container) -> None:
    container.ids.override(providers.Object(UlidIds()))


def _screen(run: Run, width: int, *args: str) -> list[str]:
    result = run(*args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    too_wide = [line for line in lines if len(line) > width]
    assert too_wide == [], f"{len(too_wide)} line(s) wider than {width}"
    return lines


def _whole(lines: list[str], *values: str) -> None:
    for value in values:
        assert any(value in line for line in lines), f"{value!r} is not on one line"


@pytest.mark.parametrize("width", WIDTHS)
def test_connections_list_keeps_every_column(
    width: int, ulids: None, run: Run, bumpy: Bumpy, quiet: Quiet
) -> None:
    lines = _screen(run, width, "connections", "list")
    assert len(bumpy.connection_id) >= 30
    _whole(lines, bumpy.connection_id, quiet.connection_id, bumpy.team_id, quiet.team_id)
    _whole(lines, "Bumpy Road", "A1SBXFAILMKT001", "Connected", "2 failed")
    _whole(lines, "Ads", "SP-API", "Current")


@pytest.mark.parametrize("width", WIDTHS)
def test_connection_detail_keeps_tokens_and_marketplaces(
    width: int, ulids: None, run: Run, bumpy: Bumpy
) -> None:
    lines = _screen(run, width, "connections", "show", bumpy.connection_id)
    _whole(lines, bumpy.connection_id, "Amazon Ads", "SP-API", "Current")
    _whole(lines, "2026-01-05T09:00:00Z", "2027-01-05T09:00:00Z")  # authorized, expires
    _whole(lines, bumpy.de, bumpy.it, "Amazon.de", "Failed", "0/3")


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_history_and_forecast_fit(
    width: int, ulids: None, run: Run, bumpy: Bumpy, clock: SettableClock
) -> None:
    lines = _screen(run, width, "timeline", bumpy.connection_id)
    _whole(lines, "marketplace.changed", "connection.channel_authorized", "2026-01-05T09:00:00Z")
    lines = _screen(run, width, "marketplaces", "history", bumpy.connection_id, "DE")
    _whole(lines, "setting_up", "failed", "worker")
    clock.advance(timedelta(days=350))
    lines = _screen(run, width, "tokens", "forecast", "--days", "30")
    _whole(lines, bumpy.connection_id, "A1SBXFAILMKT001", "SP-API", "2027-01-05T09:00:00Z")
    _whole(lines, "expires in 15 days")
