"""Time never runs backwards (DESIGN §9). The embedded product's clock is
the sandbox's simulated clock, which may be advanced far past the wall clock; after a
restart `serve` resumes it from the latest recorded instant, so what happens next is never
stamped before what was already recorded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dependency_injector import providers

from application.context import Actor
from application.operations import latest_recorded_instant
from application.teams import CreateTeamCommand
from bootstrap.container import Container, resume_sandbox_clock
from bootstrap.settings import Settings
from domain.team import TeamKind


def _product(data_dir: Path) -> Container:
    """The production container as `serve` builds it, on one data directory."""
    container = Container()
    settings = Settings(
        data_dir=data_dir,
        sandbox=True,
        worker_in_process=False,
        jwt_secret="clock-secret-0123456789-abcdefghij",
    )
    container.settings.override(providers.Object(settings))
    container.database().upgrade()
    resume_sandbox_clock(container)
    return container


def _team(container: Container, name: str) -> None:
    container.application().create_team(
        CreateTeamCommand(Actor(f"owner@{name.lower()}"), name, TeamKind.BRAND)
    )


def test_after_a_restart_the_clock_resumes_from_the_latest_recorded_instant(
    tmp_path: Path,
) -> None:
    first = _product(tmp_path)
    first.sandbox_clock().advance(timedelta(days=40).total_seconds())
    _team(first, "Before")
    recorded = latest_recorded_instant(first.application().ports)
    assert recorded is not None
    first.database().dispose()

    second = _product(tmp_path)  # a restart: a new process, its clock new
    assert second.sandbox_clock().now() >= recorded
    _team(second, "After")
    newest = latest_recorded_instant(second.application().ports)
    assert newest is not None
    assert newest >= recorded
    second.database().dispose()


def test_a_fresh_product_starts_on_the_wall_clock(tmp_path: Path) -> None:
    product = _product(tmp_path)
    wall = product.sandbox_clock().now()
    assert abs((product.application().ports.clock.now() - wall).total_seconds()) < 60
    product.database().dispose()
