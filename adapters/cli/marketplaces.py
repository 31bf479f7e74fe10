"""`sellerlink marketplaces history|retry|reopen|resolve`: seed 000's "Recover Failed Marketplace
Setup": Retry moves a failed marketplace back to Setting up; past the limit it is escalated
"with the exact marketplace and retry history". Support's retry goes through the same use
case, rule and limit as the team's Retry button; only the actor differs (`support:<name>`).
Reopen and resolve are support's two answers to an escalation: once the cause is fixed, reopen
takes the marketplace back into setup with a fresh retry budget; when it will not be set up
again (the seller stopped selling there), resolve closes the case by deselecting it. Either
way the reason goes into its history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.text import Text

from adapters.cli import render, shapes, sync_coverage
from adapters.cli.inputs import check_id, check_marketplace, check_operator
from adapters.cli.options import JsonOption, OperatorOption, TeamOption, session_of
from adapters.cli.session import Session
from application.marketplace_views import MarketplaceView
from application.marketplaces import EscalationAnswer
from domain.errors import NotFound
from domain.team import normalize_country

group = typer.Typer(
    help="A connection's marketplaces: their history, sync coverage, Retry, and reopening or "
    "resolving an escalation.",
    no_args_is_help=True,
)

ConnectionArg = Annotated[str, typer.Argument(metavar="CONNECTION", help="Connection id.")]
MarketplaceArg = Annotated[
    str,
    typer.Argument(
        metavar="MARKETPLACE",
        help="Amazon marketplace id (A1PA6795UKMFR9) or the country code (DE).",
    ),
]


def resolve(session: Session, connection_id: str, value: str, team_id: str | None) -> str:
    """A two-letter value is a country: support reads "Germany is stuck" on the ticket,
    not A1PA6795UKMFR9."""
    check_marketplace(value)
    if len(value) != 2:
        return value
    _, marketplaces = session.app.support.connection(connection_id, team_id=team_id)
    country = normalize_country(value)
    for m in marketplaces:
        if normalize_country(m.country_code) == country:
            return m.marketplace_id
    raise NotFound(
        f"Connection {connection_id} has no marketplace in {country}.",
        context={"connection_id": connection_id, "marketplace": value},
    )


@group.command("history")
def history(
    ctx: typer.Context,
    connection_id: ConnectionArg,
    marketplace: MarketplaceArg,
    team: TeamOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every transition of one marketplace with its time, reason and who made it, and the
    retry history an escalation carries."""
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        team_id, marketplace_id = _target(session, connection_id, marketplace, team)
        found = session.app.support.marketplace_history(
            connection_id, marketplace_id, team_id=team_id
        )
        if as_json:
            session.emit_json(shapes.history(found))
        else:
            session.show(render.history(found))


@group.command("sync")
def sync(
    ctx: typer.Context,
    connection_id: ConnectionArg,
    marketplace: MarketplaceArg,
    team: TeamOption = None,
    as_json: JsonOption = False,
) -> None:
    """Each dataset's coverage (from, until, history progress), last success and last
    error: where the customer's data is."""
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        team_id, marketplace_id = _target(session, connection_id, marketplace, team)
        view = session.app.support.marketplace_sync(connection_id, marketplace_id, team_id=team_id)
        if as_json:
            session.emit_json(shapes.data(view))
        else:
            session.show(sync_coverage.table(view))


@group.command("retry")
def retry(
    ctx: typer.Context,
    connection_id: ConnectionArg,
    marketplace: MarketplaceArg,
    operator: OperatorOption = None,
    team: TeamOption = None,
    as_json: JsonOption = False,
) -> None:
    """Retry a failed marketplace's setup, with the same rule and retry limit as the app's
    Retry button. Past the limit the marketplace is escalated and its retry history shown
    (exit 3)."""
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        name, team_id, marketplace_id = _support_action(
            session, connection_id, marketplace, operator, team
        )
        view = session.app.support.retry_marketplace(
            connection_id, marketplace_id, operator=name, team_id=team_id
        )
        what = f"retry {view.retries_used} of {view.retry_limit}"
        _report(session, view, "retrying", what, name, as_json)


def _reason_option(verb: str) -> object:
    return typer.Option(
        "--reason",
        metavar="TEXT",
        help=f"Why it is {verb}; shown in the marketplace's history.",
        show_default=False,
    )


@group.command("reopen")
def reopen(
    ctx: typer.Context,
    connection_id: ConnectionArg,
    marketplace: MarketplaceArg,
    reason: Annotated[str, _reason_option("reopened (what was fixed)")],
    operator: OperatorOption = None,
    team: TeamOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take an escalated marketplace back into setup with a fresh retry budget, once the
    cause of its failures is fixed. Any other state is refused (exit 3)."""
    _answer(
        ctx, EscalationAnswer.REOPEN, connection_id, marketplace, reason, operator, team, as_json
    )


@group.command("resolve")
def resolve_escalation(
    ctx: typer.Context,
    connection_id: ConnectionArg,
    marketplace: MarketplaceArg,
    reason: Annotated[str, _reason_option("resolved without another setup")],
    operator: OperatorOption = None,
    team: TeamOption = None,
    as_json: JsonOption = False,
) -> None:
    """Close an escalation without another setup (the seller no longer sells there): the
    marketplace is deselected and shown Available; its history keeps the failures. Any
    other state is refused (exit 3)."""
    _answer(
        ctx, EscalationAnswer.RESOLVE, connection_id, marketplace, reason, operator, team, as_json
    )


# What support's answer did, as the outcome word for --json and the sentence for a person.
_ANSWERED: dict[EscalationAnswer, tuple[str, Callable[[MarketplaceView], str]]] = {
    EscalationAnswer.REOPEN: ("reopened", lambda view: f"reopened with {view.retry_limit} retries"),
    EscalationAnswer.RESOLVE: ("resolved", lambda view: "escalation resolved and deselected"),
}


def _answer(
    ctx: typer.Context,
    answer: EscalationAnswer,
    connection_id: str,
    marketplace: str,
    reason: str,
    operator: str | None,
    team: str | None,
    as_json: bool,
) -> None:
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        name, team_id, marketplace_id = _support_action(
            session, connection_id, marketplace, operator, team
        )
        view = session.app.support.answer_escalation(
            connection_id, marketplace_id, answer, operator=name, reason=reason, team_id=team_id
        )
        outcome, said = _ANSWERED[answer]
        _report(session, view, outcome, said(view), name, as_json)


def _support_action(
    session: Session, connection_id: str, marketplace: str, operator: str | None, team: str | None
) -> tuple[str, str | None, str]:
    """What every support action checks first: the connection id, the operator, then the
    marketplace."""
    check_id(connection_id, "connection")
    name = check_operator(operator)
    return name, *_target(session, connection_id, marketplace, team)


def _target(
    session: Session, connection_id: str, marketplace: str, team: str | None
) -> tuple[str | None, str]:
    """The team (when named) and the marketplace id a command is about, its ids checked."""
    check_id(connection_id, "connection")
    team_id = check_id(team, "team") if team is not None else None
    return team_id, resolve(session, connection_id, marketplace, team_id)


def _report(
    session: Session, view: MarketplaceView, outcome: str, what: str, name: str, as_json: bool
) -> None:
    if as_json:
        session.emit_json({"outcome": outcome, "marketplace": shapes.data(view)})
        return
    session.show(
        Text.assemble(
            (f"{view.name}: ", "bold"),
            f"{what}, back to ",
            render.state(view.state, view.label),
            f" (recorded as support:{name}).",
        )
    )
