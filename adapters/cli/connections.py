"""`sellerlink connections list|show`: what is connected, how healthy, and why (DESIGN
§3.10; seed 001's token words, seed 004's "Reconnect Required")."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.cli import render, shapes
from adapters.cli.inputs import check_id
from adapters.cli.options import JsonOption, TeamOption, session_of
from domain.connection import Health

group = typer.Typer(
    help="Amazon accounts connected to teams: health, tokens, profile, marketplaces.",
    no_args_is_help=True,
)


@group.command("list")
def list_connections(
    ctx: typer.Context,
    team: Annotated[
        str | None,
        typer.Option(
            "--team", "-t", metavar="TEAM_ID", help="Only this team's.", show_default=False
        ),
    ] = None,
    health: Annotated[
        Health | None,
        typer.Option(
            "--health",
            case_sensitive=False,
            help="Only connections in this health, e.g. reconnect_required or expiring.",
            show_default=False,
        ),
    ] = None,
    seller: Annotated[
        str | None,
        typer.Option(
            "--seller",
            metavar="SELLER_ID",
            help="Only the connection of this seller id (merchant token).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List connections, every team's unless --team is given, disconnected ones included."""
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        team_id = check_id(team, "team") if team is not None else None
        views = session.app.support.connections(
            team_id=team_id,
            health=health,
            selling_partner_id=check_id(seller, "seller") if seller is not None else None,
        )
        if as_json:
            session.emit_json({"count": len(views), "items": shapes.data(views)})
        else:
            session.show(render.connections_table(views))


@group.command("show")
def show_connection(
    ctx: typer.Context,
    connection_id: Annotated[str, typer.Argument(metavar="CONNECTION", help="Connection id.")],
    team: TeamOption = None,
    as_json: JsonOption = False,
) -> None:
    """One connection: account type, region, seller id, each token's status, the chosen
    profile and every marketplace with its state."""
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        check_id(connection_id, "connection")
        team_id = check_id(team, "team") if team is not None else None
        view, marketplaces = session.app.support.connection(connection_id, team_id=team_id)
        if as_json:
            session.emit_json(shapes.data(view) | {"marketplaces": shapes.data(marketplaces)})
        else:
            session.show(render.connection_detail(view, marketplaces))
