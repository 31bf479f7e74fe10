"""The `sellerlink` command line, assembled from the support commands and whatever
operator commands the composition root supplies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from adapters.cli import connections, listings, marketplaces, timeline, tokens
from adapters.cli.operating import add_operations
from adapters.cli.operations import Operations
from adapters.cli.session import Session
from application.app import Application

HELP = """sellerlink: connect Amazon Ads and Selling Partner API accounts and keep them healthy.

Support commands read the same database as the web API (SQLite by default,
SELLERLINK_DATABASE_URL for PostgreSQL) and act through the same use cases.
Read commands take --json. Exit codes: 0 ok, 1 not found, 2 bad input,
3 refused by a rule, 4 failed (Amazon or internal; try again)."""


# The order a support agent reaches for them, then the operator's.
_ORDER = (
    "connections",
    "marketplaces",
    "timeline",
    "tokens",
    "listing",
    "serve",
    "worker",
    "sandbox",
)


class _InOrder(TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:  # typer._click.Context (vendored)
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: _ORDER.index(n) if n in _ORDER else len(_ORDER))


def build_cli(
    get_app: Callable[[], Application], operations: Operations | None = None
) -> typer.Typer:
    """`get_app` is called at most once per invocation, and only by a command that reads or
    changes data; `operations` supplies the non-use-case commands (see Operations)."""
    cli = typer.Typer(
        name="sellerlink",
        cls=_InOrder,
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
    )

    @cli.callback()
    def main(
        ctx: typer.Context,
        debug: Annotated[
            bool,
            typer.Option(
                "--debug",
                envvar="SELLERLINK_DEBUG",
                metavar="",
                help="Show a traceback on unexpected errors.",
            ),
        ] = False,
    ) -> None:
        ctx.obj = Session(get_app=get_app, debug=debug)

    cli.add_typer(connections.group, name="connections", rich_help_panel="Support")
    cli.add_typer(marketplaces.group, name="marketplaces", rich_help_panel="Support")
    cli.command("timeline", rich_help_panel="Support")(timeline.timeline)
    cli.add_typer(tokens.group, name="tokens", rich_help_panel="Support")
    cli.command("listing", rich_help_panel="Support")(listings.listing)
    add_operations(cli, operations or Operations())
    return cli
