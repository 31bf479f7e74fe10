"""The support CLI against a real SQLite file, wired the way bootstrap/cli.py should wire it.

Two containers share one database file: `container` (the tests' hands: `world` prepares
data through the use cases) and `cli_container` (what a `sellerlink` process builds on its
own), so every command reads what another process wrote. They share the settable clock,
the id sequence and the fake Amazon, which stand in for the wall clock, ULIDs and Amazon.

`wire_cli` is the runnable example for the lead: copy it into bootstrap/cli.py, replacing
the test's container with `Container()` built from settings."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import typer
from attrs import define
from dependency_injector import providers
from typer.testing import CliRunner, Result

from adapters.amazon.regions import marketplace_id
from adapters.cli import Operations, build_cli
from adapters.persistence import Keyring, SqlDatabase, rotate_keys
from application.app import Application
from application.context import Actor
from application.marketplaces import UpdateMarketplaceCommand
from bootstrap.container import Container, in_memory_container
from domain.grant import Channel
from domain.team import Plan
from tests.world import World, support_sees

KEYRING = Keyring.generate("k1")


def wire_cli(container: Container, **extra: object) -> typer.Typer:
    """build_cli from a container: the application lazily, the operator commands as
    closures over the container's database. serve/worker/sandbox/dev_token are the lead's
    to supply (bootstrap's create_app, worker loop, sandbox app, dev JWT signer)."""

    def db_upgrade(revision: str) -> str:
        db = container.database()
        db.upgrade(revision)
        return f"Database at revision {db.current_revision()} ({db.dialect})."

    def keys_rotate(batch_size: int, progress: Callable[..., None]) -> int:
        return rotate_keys(container.database(), batch_size, progress)

    operations = Operations(db_upgrade=db_upgrade, keys_rotate=keys_rotate, **extra)  # type: ignore[arg-type]
    return build_cli(get_app=container.application, operations=operations)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-template") / "sellerlink.db"
    db = SqlDatabase(f"sqlite:///{path}", KEYRING)
    db.upgrade()
    db.dispose()
    return path


@pytest.fixture
def keyring() -> Keyring:
    """The keyring the prepared data is sealed with."""
    return KEYRING


@pytest.fixture
def database_url(tmp_path: Path, migrated_template: Path) -> str:
    path = tmp_path / "sellerlink.db"
    shutil.copyfile(migrated_template, path)
    return f"sqlite:///{path}"


@contextmanager
def _on_the_file(container: Container, database_url: str) -> Iterator[Container]:
    """`container` with its database on the SQLite file, let go of afterwards."""
    container.database.override(providers.Singleton(SqlDatabase, database_url, KEYRING))
    yield container
    container.database().engine.dispose()
    container.shutdown_resources()
    container.reset_singletons()


@pytest.fixture
def container(database_url: str) -> Iterator[Container]:
    """Overrides tests.fixtures' in-memory container: `app`, `clock`, `amazon` and `world`
    now work on the SQLite file."""
    with _on_the_file(in_memory_container(), database_url) as container:
        yield container


@pytest.fixture
def cli_container(container: Container, database_url: str) -> Iterator[Container]:
    cli_container = Container()
    cli_container.clock.override(providers.Object(container.clock()))
    cli_container.ids.override(providers.Object(container.ids()))
    cli_container.amazon.override(providers.Object(container.amazon()))
    with _on_the_file(cli_container, database_url) as on_file:
        yield on_file


@pytest.fixture
def cli(cli_container: Container) -> typer.Typer:
    return wire_cli(cli_container)


@pytest.fixture
def wire() -> Callable[..., typer.Typer]:
    """wire_cli, for tests that build their own CLI (other operations, another keyring)."""
    return wire_cli


Run = Callable[..., Result]


@pytest.fixture
def run(cli: typer.Typer) -> Run:
    """`run("connections", "list", "--json")`: one `sellerlink` invocation."""
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(cli, list(args), env={"COLUMNS": "200", **(env or {})})

    return invoke


def one_line(printed: str) -> str:
    """What the CLI printed, as one line of words: rich wraps its output at the terminal's
    width, so a sentence may be split anywhere."""
    return " ".join(printed.split())


# ---- data prepared through the use cases ---------------------------------------------------


@define
class Bumpy:
    """Team Acme (pro plan) with `failing-marketplace-seller` connected in the EU, DE and IT
    selected and their first setup attempt failed (the sandbox fails DE twice, IT always)."""

    team_id: str
    connection_id: str
    de: str
    it: str
    uk: str


@pytest.fixture
def bumpy(world: World) -> Bumpy:
    team = world.create_team("Acme", plan=Plan.PRO)
    connection = world.connect_fully("failing-marketplace-seller").connection
    owner = world.actor(team=team)
    for country in ("DE", "IT"):
        world.app.update_marketplace(
            UpdateMarketplaceCommand(owner, connection.id, marketplace_id(country), selected=True)
        )
    world.app.advance_all_setups()
    return Bumpy(
        team.id, connection.id, marketplace_id("DE"), marketplace_id("IT"), marketplace_id("UK")
    )


@define
class Quiet:
    """Team Globex (free plan) with `us-seller` connected: one US profile, US marketplace."""

    team_id: str
    connection_id: str


@pytest.fixture
def quiet(world: World) -> Quiet:
    team = world.create_team("Globex")
    return Quiet(team.id, connect_fully_as(world, "us-seller", world.actor(team=team)))


def connect_fully_as(world: World, account: str, actor: Actor) -> str:
    """Ads then SP-API on one connection, clicked by `actor` (world.connect_fully uses the
    first team's owner)."""
    connection_id = world.connect(account, Channel.ADS, actor=actor).connection.id
    world.connect(account, Channel.SP_API, actor=actor, connection_id=connection_id)
    return connection_id


Snapshot = Callable[[], dict[str, object]]


@pytest.fixture
def snapshot(app: Application) -> Snapshot:
    """Everything support can see, read by the tests' own application: compared before and
    after a refused command to prove nothing changed."""

    return lambda: support_sees(app)


@pytest.fixture
def run_json(run: Run) -> Callable[..., Any]:
    """Run a command with --json and return the parsed output (and check the exit code)."""

    def invoke(*args: str, exit_code: int = 0, env: dict[str, str] | None = None) -> Any:
        result = run(*args, "--json", env=env)
        assert result.exit_code == exit_code, (result.exit_code, result.stdout, result.stderr)
        assert result.stdout.strip(), f"no output; stderr: {result.stderr}"
        return json.loads(result.stdout)

    return invoke
