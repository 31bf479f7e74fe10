"""`sellerlink timeline CONNECTION`: the audit trail (DESIGN §2 "Events / audit"), newest
first, the first thing support reads on "why is my account not syncing?"."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.cli import render, shapes
from adapters.cli.inputs import check_id, check_window, parse_moment
from adapters.cli.options import JsonOption, TeamOption, session_of

_TIME_HELP = "an ISO date or time (UTC unless it says otherwise), or a span back from now: 7d, 12h"


def timeline(
    ctx: typer.Context,
    connection_id: Annotated[str, typer.Argument(metavar="CONNECTION", help="Connection id.")],
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="WHEN", help=f"Only events at or after WHEN: {_TIME_HELP}."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="WHEN", help=f"Only events before WHEN: {_TIME_HELP}."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=10_000, help="At most this many events.")
    ] = 200,
    team: TeamOption = None,
    as_json: JsonOption = False,
) -> None:
    """What happened to a connection, newest first: authorizations, token refreshes and
    failures, profile and marketplace changes, retries and escalations, with who did it."""
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        check_id(connection_id, "connection")
        team_id = check_id(team, "team") if team is not None else None
        now = session.now()
        start = parse_moment(since, now=now, field="--since")
        end = parse_moment(until, now=now, field="--until")
        check_window(start, end)
        events = session.app.support.timeline(
            connection_id, since=start, until=end, limit=limit, team_id=team_id
        )
        if as_json:
            session.emit_json(
                {
                    "connection_id": connection_id,
                    "since": shapes.iso(start),
                    "until": shapes.iso(end),
                    "count": len(events),
                    "items": [shapes.event(e) for e in events],
                }
            )
        else:
            session.show(render.timeline_table(connection_id, events))
