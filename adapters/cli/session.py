"""One CLI invocation: the application (built only when a command needs it, so `--help`
and `serve` never open the database), where output goes, and how failures are reported:
the catalogue's code, message and remediation with a meaningful exit code (exits.py),
never a traceback unless `--debug` asks for one."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NoReturn

import typer
from attrs import define, field
from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.text import Text

from adapters.cli import render, shapes
from adapters.cli.exits import exit_code_for
from application.app import Application
from domain.errors import DomainError, ErrorCode, InternalError

# What to type next, per code: the catalogue speaks to a seller in the web app, these
# lines speak to a support agent at the terminal.
_HINTS: dict[ErrorCode, str] = {
    ErrorCode.NOT_FOUND: "`sellerlink connections list` shows every connection id; "
    "`sellerlink connections show ID` shows its marketplaces.",
    ErrorCode.NOT_A_MEMBER: "Check the team on the ticket, or leave out --team.",
    ErrorCode.VALIDATION_FAILED: "`sellerlink COMMAND --help` shows what each argument takes.",
    ErrorCode.INVALID_TRANSITION: "`sellerlink marketplaces history CONNECTION MARKETPLACE` "
    "shows the state and every transition.",
    ErrorCode.RETRY_LIMIT_EXCEEDED: "The marketplace is now escalated; attach the history "
    "below to the ticket.",
}


@define
class Session:
    get_app: Callable[[], Application]
    debug: bool = False
    _app: Application | None = field(default=None, init=False)

    @property
    def app(self) -> Application:
        if self._app is None:
            self._app = self.get_app()
        return self._app

    def now(self) -> datetime:
        """The application's clock, so `--since 7d` and token texts agree with each other
        (and follow the sandbox's simulated clock where that drives the app)."""
        return self.app.ports.clock.now()

    # -- output ------------------------------------------------------------------------

    @staticmethod
    def console(*, stderr: bool = False) -> Console:
        # Made per call: the test runner swaps sys.stdout between invocations.
        return Console(stderr=stderr, highlight=False, soft_wrap=False)

    def show(self, *renderables: RenderableType) -> None:
        console = self.console()
        for r in renderables:
            console.print(r)

    @staticmethod
    def emit_json(data: Any) -> None:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    # -- failures ----------------------------------------------------------------------

    @contextmanager
    def reporting(self, *, as_json: bool = False) -> Iterator[None]:
        try:
            yield
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise  # the command line's own outcome (typer vendors click in typer._click)
        except DomainError as failure:
            self.fail(failure, as_json=as_json)
        except Exception as unexpected:
            if self.debug:
                raise
            self.fail(unexpected_failure(unexpected), as_json=as_json)

    def fail(self, failure: DomainError, *, as_json: bool) -> NoReturn:
        code = exit_code_for(failure.code)
        if as_json:
            self.emit_json(shapes.error(failure, int(code)))
        else:
            self._print_error(failure)
        raise typer.Exit(int(code))

    def _print_error(self, failure: DomainError) -> None:
        console = self.console(stderr=True)
        spec = failure.spec

        def say(text: str | Text, indent: int = 2) -> None:
            console.print(Padding(text, (0, 0, 0, indent), expand=False))

        console.print(
            Text.assemble(
                ("Error ", "bold red"), (str(failure.code), "bold red"), f"  {spec.title}"
            )
        )
        say(failure.detail)
        if failure.detail != spec.message:
            say(spec.message)
        if failure.remediation:
            say(Text("What to do:", style="bold"))
            for step in failure.remediation:
                say(f"- {step}", indent=4)
        hint = _HINTS.get(failure.code)
        if hint:
            say(Text(f"Hint: {hint}", style="dim"))
        history = failure.context.get("history")
        if isinstance(history, list) and history:
            console.print(render.retry_history_from_context(history))


# Database drivers name their errors this way (DB-API 2.0); the CLI does not import them.
_DATABASE_ERRORS = {"OperationalError", "ProgrammingError", "InterfaceError"}


def unexpected_failure(error: Exception) -> DomainError:
    """Only the exception's type is shown: its message could carry a connection URL or a
    value from a row, and the CLI's output ends up in tickets."""
    name = type(error).__name__
    detail = f"Unexpected {name}; run again with --debug to see the traceback."
    if name in _DATABASE_ERRORS:
        detail += (
            " Is the database reachable (SELLERLINK_DATABASE_URL) and migrated "
            "(`sellerlink db upgrade`)?"
        )
    return InternalError(detail, context={"exception": name})
