"""Options shared by several commands, so they read the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.cli.session import Session

TeamOption = Annotated[
    str | None,
    typer.Option(
        "--team",
        "-t",
        metavar="TEAM_ID",
        help="The team on the ticket: refuse (exit 3) if the connection belongs to another.",
        show_default=False,
    ),
]
OperatorOption = Annotated[
    str | None,
    typer.Option(
        "--operator",
        envvar="SELLERLINK_OPERATOR",
        metavar="NAME",
        help="Who is acting; recorded as support:NAME in the history and the team's timeline.",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        metavar="",
        help="Print JSON with stable keys (see docs/support.md) instead of tables.",
    ),
]


def session_of(ctx: typer.Context) -> Session:
    session = ctx.find_object(Session)
    assert session is not None, "build_cli's callback puts a Session on every context"
    return session
