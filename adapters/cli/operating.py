"""The operator's commands: run the server, the worker, the sandbox; migrate; rotate keys;
mint a development token. Each one calls what the composition root supplied in
`Operations`, and is only offered when it was supplied."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from adapters.cli.exits import ExitCode
from adapters.cli.inputs import check_id
from adapters.cli.operations import DoctorFinding, Operations, ProgressCallback, RotationStep
from adapters.cli.options import session_of
from adapters.cli.session import Session

HostOption = Annotated[
    str | None,
    typer.Option("--host", help="Listen on this address (default: SELLERLINK_HOST or 127.0.0.1)."),
]
PortOption = Annotated[
    int | None,
    typer.Option(
        "--port", min=1, max=65535, help="Listen on this port (default: SELLERLINK_PORT)."
    ),
]


def add_operations(cli: typer.Typer, ops: Operations) -> None:
    if ops.serve is not None:
        serve_with = ops.serve

        @cli.command("serve", rich_help_panel="Operations")
        def serve(ctx: typer.Context, host: HostOption = None, port: PortOption = None) -> None:
            """Run the web API (with the in-process worker and the sandbox in the embedded
            default)."""
            with session_of(ctx).reporting():
                serve_with(host, port)

    if ops.worker is not None:
        work_with = ops.worker

        @cli.command("worker", rich_help_panel="Operations")
        def worker(
            ctx: typer.Context,
            once: Annotated[
                bool, typer.Option("--once", metavar="", help="Do one pass, then stop.")
            ] = False,
        ) -> None:
            """Run the background worker: token refresh, marketplace setup, sync cycles."""
            with session_of(ctx).reporting():
                work_with(once)

    if ops.sandbox is not None:
        sandbox_with = ops.sandbox

        @cli.command("sandbox", rich_help_panel="Operations")
        def sandbox(ctx: typer.Context, host: HostOption = None, port: PortOption = None) -> None:
            """Run the Amazon sandbox alone (consent pages, LWA, Ads, SP-API emulator)."""
            with session_of(ctx).reporting():
                sandbox_with(host, port)

    if ops.db_upgrade is not None:
        _add_db(cli, ops.db_upgrade)
    if ops.keys_rotate is not None:
        _add_keys(cli, ops.keys_rotate)
    if ops.doctor is not None:
        _add_doctor(cli, ops.doctor)
    if ops.dev_token is not None:
        _add_dev(cli, ops.dev_token)


def _group(cli: typer.Typer, name: str, about: str) -> typer.Typer:
    """A group of operator commands (`db`, `keys`, `dev`), listed under Operations."""
    group = typer.Typer(help=about, no_args_is_help=True)
    cli.add_typer(group, name=name, rich_help_panel="Operations")
    return group


def _add_db(cli: typer.Typer, upgrade_with: Callable[[str], str]) -> None:
    db = _group(cli, "db", "The database schema.")

    @db.command("upgrade")
    def upgrade(
        ctx: typer.Context,
        revision: Annotated[
            str, typer.Option("--revision", help="Migrate up to this revision.")
        ] = "head",
    ) -> None:
        """Apply the database migrations (SQLite by default, or SELLERLINK_DATABASE_URL)."""
        session = session_of(ctx)
        with session.reporting():
            session.show(upgrade_with(revision))


def _add_keys(cli: typer.Typer, rotate_with: Callable[[int, ProgressCallback], int]) -> None:
    keys = _group(cli, "keys", "The keys that encrypt stored Amazon tokens.")

    @keys.command("rotate")
    def rotate(
        ctx: typer.Context,
        batch_size: Annotated[
            int,
            typer.Option(
                "--batch-size", min=1, max=100_000, help="Rows re-sealed per transaction."
            ),
        ] = 500,
    ) -> None:
        """Re-encrypt every stored token under the newest key, online, in batches. Put
        the new key first in the keyring setting before running it."""
        session = session_of(ctx)
        with session.reporting():
            done = _rotate_with_progress(session, rotate_with, batch_size)
            session.show(f"Re-sealed {done} secret(s) under the newest key.")


def _add_dev(cli: typer.Typer, token_with: Callable[[str, str | None], str]) -> None:
    dev = _group(cli, "dev", "Development helpers.")

    @dev.command("token")
    def token(
        ctx: typer.Context,
        user: Annotated[str, typer.Option("--user", help="The JWT's subject.")],
        team: Annotated[
            str | None, typer.Option("--team", metavar="TEAM_ID", help="The team claim.")
        ] = None,
    ) -> None:
        """Print a signed development JWT for USER (only where dev auth is on)."""
        with session_of(ctx).reporting():
            check_id(user, "user")
            if team is not None:
                check_id(team, "team")
            typer.echo(token_with(user, team))


_MARK = {"ok": "ok  ", "warning": "WARN", "problem": "FAIL"}


def _add_doctor(cli: typer.Typer, doctor_with: Callable[[], list[DoctorFinding]]) -> None:
    @cli.command("doctor", rich_help_panel="Operations")
    def doctor(
        ctx: typer.Context,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Check this installation: configuration, redirect URIs, keys, database and
        migrations, app credentials against Login with Amazon, clock, worker, and the
        settings every process must share. Each finding comes with its fix; exits 4 when
        something must be fixed."""
        session = session_of(ctx)
        with session.reporting(as_json=as_json):
            findings = doctor_with()
        problems = sum(1 for f in findings if f.status == "problem")
        if as_json:
            session.emit_json(
                {
                    "ok": problems == 0,
                    "findings": [
                        {"check": f.check, "status": f.status, "detail": f.detail, "fix": f.fix}
                        for f in findings
                    ],
                }
            )
        else:
            for f in findings:
                typer.echo(f"[{_MARK.get(f.status, f.status)}] {f.check}: {f.detail}")
                if f.fix:
                    typer.echo(f"       fix: {f.fix}")
            warnings = sum(1 for f in findings if f.status == "warning")
            typer.echo(f"{problems} problem(s), {warnings} warning(s).")
        if problems:
            raise typer.Exit(int(ExitCode.FAILED))


def _rotate_with_progress(
    session: Session, rotate_with: Callable[[int, ProgressCallback], int], batch_size: int
) -> int:
    """The bar goes to stderr, so `keys rotate > log` keeps only the result line."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=session.console(stderr=True),
        transient=False,
    )
    with progress:
        task = progress.add_task("re-sealing", total=None)

        def advance(step: RotationStep) -> None:
            progress.update(
                task, completed=step.done, total=step.total, description=f"re-sealing {step.column}"
            )

        done = rotate_with(batch_size, advance)
    return done
