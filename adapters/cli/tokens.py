"""`sellerlink tokens forecast`: which authorizations run out soon, by team, so support can
warn before the sync stops (seed 002's yearly re-authorization; seed 004's expiry)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from adapters.cli import render, shapes
from adapters.cli.inputs import check_id
from adapters.cli.options import JsonOption, session_of

group = typer.Typer(help="Amazon authorizations (tokens) across every team.", no_args_is_help=True)


@group.command("forecast")
def forecast(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option("--days", min=1, max=400, help="How far ahead to look, in days.")
    ] = 30,
    team: Annotated[
        str | None,
        typer.Option("--team", "-t", metavar="TEAM_ID", help="Only this team.", show_default=False),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Grants that expire (or already expired and need re-authorization) within the window,
    grouped by team: whom support should warn."""
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        team_id = check_id(team, "team") if team is not None else None
        now = session.now()
        teams = session.app.support.token_forecast(days, team_id=team_id)
        until = now + timedelta(days=days)
        if as_json:
            session.emit_json(shapes.forecast(teams, as_of=now, until=until, days=days))
        else:
            session.show(*render.forecast_tables(teams, until=until))
