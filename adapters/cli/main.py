"""The `sellerlink` command line, assembled from the support commands and whatever
operator commands the composition root supplies."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from adapters.cli import connections, listings, marketplaces, shapes, timeline, tokens, webhooks
from adapters.cli.exits import ExitCode
from adapters.cli.operating import add_operations
from adapters.cli.operations import Operations
from adapters.cli.session import Session
from application.app import Application
from domain.errors import ValidationFailed

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
    "webhooks",
    "serve",
    "worker",
    "sandbox",
)


class _InOrder(TyperGroup):
    """Commands in a support agent's order; with --json anywhere on the line, a command
    line that does not parse is answered in JSON too (exit 2), so a script never has to
    scrape a usage message."""

    _json_errors = False

    def list_commands(self, ctx: Any) -> list[str]:  # typer._click.Context (vendored)
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: _ORDER.index(n) if n in _ORDER else len(_ORDER))

    def main(self, args: Any = None, *rest: Any, **options: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        self._json_errors = "--json" in argv
        return super().main(argv, *rest, **options)

    def make_context(self, *args: Any, **options: Any) -> Any:
        with self._usage_errors():
            return super().make_context(*args, **options)

    def invoke(self, ctx: Any) -> Any:
        with self._usage_errors():
            return super().invoke(ctx)

    @contextmanager
    def _usage_errors(self) -> Iterator[None]:
        """A command line that does not parse (while making the context or, for a
        subcommand, while invoking it), answered in JSON when --json was given."""
        try:
            yield
        except UsageError as error:
            if not self._json_errors:
                raise
            failure = ValidationFailed(
                error.format_message(),
                context={"usage": error.ctx.command_path if error.ctx else ""},
            )
            Session.emit_json(shapes.error(failure, int(ExitCode.BAD_INPUT)))
            raise typer.Exit(int(ExitCode.BAD_INPUT)) from None


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
    cli.add_typer(webhooks.group, name="webhooks", rich_help_panel="Support")
    add_operations(cli, operations or Operations())
    return cli
