"""The `sellerlink` console entry point: the support CLI's commands (adapters/cli) plus the
operator's commands, wired to the container built from settings."""

from __future__ import annotations

from collections.abc import Callable

import typer

from adapters.cli import Operations, build_cli
from adapters.cli.operations import DoctorFinding
from adapters.http import mint_dev_token
from adapters.persistence import rotate_keys
from application.app import Application
from bootstrap.container import Container, follow_sandbox_clock, require_existing_data
from bootstrap.web import dev_jwt_secret


def operations(container: Container) -> Operations:
    def db_upgrade(revision: str) -> str:
        db = container.database()
        db.upgrade(revision)
        return f"Database at revision {db.current_revision()} ({db.dialect})."

    def keys_rotate(batch_size: int, progress: Callable[..., None]) -> int:
        require_existing_data(container.settings())  # a typo must not make new keys
        return rotate_keys(container.database(), batch_size, progress)

    def serve(host: str | None, port: int | None) -> None:
        from bootstrap.serve import serve as run

        run(container, host, port)

    def worker(once: bool) -> None:
        from bootstrap.worker import run_worker

        run_worker(container, once=once)

    def sandbox(host: str | None, port: int | None) -> None:
        from adapters.amazon.sandbox import run_sandbox

        run_sandbox(host or "127.0.0.1", port or 8001)

    def dev_token(user: str, team: str | None) -> str:
        settings = container.settings()
        return mint_dev_token(
            dev_jwt_secret(settings),
            user,
            team,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
        )

    def doctor() -> list[DoctorFinding]:
        from bootstrap.doctor import run_doctor

        return run_doctor(container)

    return Operations(
        doctor=doctor,
        serve=serve,
        worker=worker,
        sandbox=sandbox,
        db_upgrade=db_upgrade,
        keys_rotate=keys_rotate,
        dev_token=dev_token,
    )


def build(container: Container | None = None) -> typer.Typer:
    container = container or Container()

    def support_app() -> Application:
        # Support commands see the time the product shows: in sandbox mode, the serve's
        # sandbox clock.
        require_existing_data(container.settings())
        follow_sandbox_clock(container)
        return container.application()

    return build_cli(get_app=support_app, operations=operations(container))


def main() -> None:
    build()()
