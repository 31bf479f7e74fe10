"""`sellerlink webhooks list|deliveries|retry|replay`: what support needs on "our product
never heard that the seller's connection broke": which endpoints a team has, what was sent
and what the receiver answered, and the team's own Retry and Replay (DESIGN §13)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from adapters.cli.inputs import check_id, check_operator, parse_moment
from adapters.cli.options import JsonOption, OperatorOption, session_of
from adapters.cli.shapes import data, iso
from domain.errors import ValidationFailed
from domain.webhooks import DeliveryStatus

group = typer.Typer(
    help="Webhook endpoints, their deliveries, Retry and Replay.", no_args_is_help=True
)

EndpointArg = Annotated[str, typer.Argument(metavar="WEBHOOK", help="Webhook endpoint id.")]


@group.command("list")
def list_endpoints(
    ctx: typer.Context,
    team: Annotated[str, typer.Option("--team", "-t", metavar="TEAM_ID", help="The team.")],
    as_json: JsonOption = False,
) -> None:
    """A team's webhook endpoints: URL, events, enabled, and since when failing."""
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        found = session.app.support_webhooks.endpoints(check_id(team, "team"))
        if as_json:
            session.emit_json({"team_id": team, "items": [data(v) for v in found]})
            return
        table = Table(
            "id", "url", "events", "enabled", "failing since", title=f"Webhooks of {team}"
        )
        for v in found:
            state = "yes" if v.enabled else f"no: {v.disabled_reason}"
            table.add_row(v.id, v.url, ", ".join(v.events), state, iso(v.failing_since) or "-")
        session.show(table)


@group.command("deliveries")
def deliveries(
    ctx: typer.Context,
    endpoint_id: EndpointArg,
    status: Annotated[
        str | None,
        typer.Option("--status", metavar="STATUS", help="pending, delivered or failed."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    as_json: JsonOption = False,
) -> None:
    """Deliveries newest first, with attempts and the receiver's last answer."""
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        check_id(endpoint_id, "webhook")
        wanted = _status(status)
        found = session.app.support_webhooks.deliveries(endpoint_id, status=wanted, limit=limit)
        if as_json:
            session.emit_json({"webhook_id": endpoint_id, "items": [data(d) for d in found]})
            return
        table = Table("delivery", "event", "status", "tries", "last answer", "next / done")
        for d in found:
            answer = d.last_error or (str(d.last_status_code) if d.last_status_code else "-")
            when = iso(d.delivered_at if d.delivered_at else d.next_attempt_at) or "-"
            table.add_row(d.id, d.event_type, str(d.status), str(d.attempts), answer, when)
        session.show(table)


@group.command("retry")
def retry(
    ctx: typer.Context, delivery_id: Annotated[str, typer.Argument(metavar="DELIVERY")]
) -> None:
    """Send one delivery again now (a failed one backs off afresh if it fails again)."""
    session = session_of(ctx)
    with session.reporting(as_json=False):
        view = session.app.support_webhooks.retry(check_id(delivery_id, "delivery"))
        session.show(f"{view.id} ({view.event_type}): queued to be sent now.")


@group.command("replay")
def replay(
    ctx: typer.Context,
    endpoint_id: EndpointArg,
    since: Annotated[
        str,
        typer.Option("--since", metavar="WHEN", help="An ISO date or time, or 7d, 12h back."),
    ],
    operator: OperatorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send every event since WHEN again to this endpoint (same webhook-id, so the product
    can tell what it already has)."""
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        check_id(endpoint_id, "webhook")
        name = check_operator(operator)
        start = parse_moment(since, now=session.now(), field="--since")
        assert start is not None
        queued = session.app.support_webhooks.replay(endpoint_id, start, operator=name)
        if as_json:
            session.emit_json({"webhook_id": endpoint_id, "since": iso(start), "queued": queued})
        else:
            session.show(f"{queued} message(s) since {iso(start)} queued for {endpoint_id}.")


def _status(value: str | None) -> DeliveryStatus | None:
    if value is None:
        return None
    try:
        return DeliveryStatus(value)
    except ValueError:
        raise ValidationFailed(
            "--status is pending, delivered or failed.", context={"field": "status"}
        ) from None
