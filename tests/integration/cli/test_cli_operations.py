"""The operator's commands: `db upgrade` and `keys rotate` for real on SQLite; `serve`,
`worker`, `sandbox` and `dev token` pass their options to what bootstrap supplies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from dependency_injector import providers
from typer.testing import CliRunner

from adapters.cli import Operations, build_cli
from adapters.persistence import Keyring, SqlDatabase, count_stale
from bootstrap.container import Container, in_memory_container
from tests.integration.cli.conftest import one_line

runner = CliRunner()


def invoke(cli: typer.Typer, *args: str):
    return runner.invoke(cli, list(args), env={"COLUMNS": "200"})


def sql_container(url: str, keyring: Keyring) -> Container:
    container = in_memory_container()
    container.database.override(providers.Singleton(SqlDatabase, url, keyring))
    return container


def test_db_upgrade_migrates_a_fresh_database(tmp_path: Path, wire):
    container = sql_container(f"sqlite:///{tmp_path / 'fresh.db'}", Keyring.generate("k1"))
    cli = wire(container)

    upgraded = invoke(cli, "db", "upgrade")

    assert upgraded.exit_code == 0, upgraded.stderr
    assert "Database at revision" in upgraded.stdout
    assert container.database().current_revision() == container.database().head_revision()
    listed = invoke(cli, "connections", "list", "--json")
    assert (listed.exit_code, listed.stdout.count('"count": 0')) == (0, 1)
    container.database().dispose()


def test_keys_rotate_reseals_every_token_under_the_new_key(
    database_url: str, wire, bumpy, quiet, keyring: Keyring
):
    rotated = keyring.with_new_key("k2")  # the data was sealed with `keyring`
    container = sql_container(database_url, rotated)
    stale = count_stale(container.database())
    assert stale > 0

    result = invoke(wire(container), "keys", "rotate", "--batch-size", "1")

    assert result.exit_code == 0, result.stderr
    assert f"Re-sealed {stale} secret(s) under the newest key." in result.stdout
    assert "re-sealing" in result.stderr  # the progress bar, kept off stdout
    assert count_stale(container.database()) == 0
    again = invoke(wire(container), "keys", "rotate")
    assert "Re-sealed 0 secret(s)" in again.stdout

    only_new_key = Keyring.parse(rotated.to_setting().split(",")[0])
    after = sql_container(database_url, only_new_key)
    shown = invoke(wire(after), "connections", "show", bumpy.connection_id, "--json")
    assert shown.exit_code == 0, shown.stderr
    container.database().dispose()
    after.database().dispose()


def test_keys_rotate_rejects_a_zero_batch(cli):
    assert invoke(cli, "keys", "rotate", "--batch-size", "0").exit_code == 2


class Recorder:
    def __init__(self, returns: object = None) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.returns = returns

    def __call__(self, *args: object) -> object:
        self.calls.append(args)
        return self.returns


def no_app() -> object:
    raise AssertionError("this command must not open the database")


def operator_cli(**operations: Callable[..., object]) -> typer.Typer:
    return build_cli(get_app=no_app, operations=Operations(**operations))  # type: ignore[arg-type]


def test_serve_and_sandbox_pass_host_and_port_without_opening_the_database():
    serve, sandbox = Recorder(), Recorder()
    cli = operator_cli(serve=serve, sandbox=sandbox)

    assert invoke(cli, "serve").exit_code == 0
    assert invoke(cli, "serve", "--host", "127.0.0.1", "--port", "8123").exit_code == 0
    assert invoke(cli, "sandbox", "--port", "9000").exit_code == 0
    assert serve.calls == [(None, None), ("127.0.0.1", 8123)]
    assert sandbox.calls == [(None, 9000)]
    assert invoke(cli, "serve", "--port", "0").exit_code == 2
    assert invoke(cli, "serve", "--port", "http").exit_code == 2


def test_worker_once():
    worker = Recorder()
    cli = operator_cli(worker=worker)

    assert invoke(cli, "worker", "--once").exit_code == 0
    assert invoke(cli, "worker").exit_code == 0
    assert worker.calls == [(True,), (False,)]


def test_dev_token_prints_only_the_token():
    dev_token = Recorder(returns="eyJ.header.sig")
    cli = operator_cli(dev_token=dev_token)

    result = invoke(cli, "dev", "token", "--user", "alice", "--team", "team_1")

    assert (result.exit_code, result.stdout) == (0, "eyJ.header.sig\n")
    assert dev_token.calls == [("alice", "team_1")]
    assert invoke(cli, "dev", "token", "--user", "a b").exit_code == 2
    assert invoke(cli, "dev", "token").exit_code == 2
    assert dev_token.calls == [("alice", "team_1")]


def test_commands_not_supplied_are_not_offered():
    cli = operator_cli(serve=Recorder())

    assert invoke(cli, "worker").exit_code == 2
    assert invoke(cli, "db", "upgrade").exit_code == 2
    help_text = invoke(cli, "--help").stdout
    assert "serve" in help_text
    assert "Run the Amazon sandbox alone" not in help_text
    assert "The keys that encrypt" not in help_text


def test_an_unexpected_failure_prints_the_catalogue_entry_not_a_traceback():
    def broken(host: str | None, port: int | None) -> None:
        raise RuntimeError("port already in use")

    cli = operator_cli(serve=broken)
    result = invoke(cli, "serve")

    assert result.exit_code == 4
    assert "INTERNAL_ERROR" in result.stderr
    assert "Unexpected RuntimeError; run again with --debug" in result.stderr
    assert "Traceback" not in result.output

    debugged = invoke(cli, "--debug", "serve")
    assert isinstance(debugged.exception, RuntimeError)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["connections", "--help"],
        ["connections", "list", "--help"],
        ["connections", "show", "--help"],
        ["marketplaces", "--help"],
        ["marketplaces", "history", "--help"],
        ["marketplaces", "retry", "--help"],
        ["timeline", "--help"],
        ["tokens", "forecast", "--help"],
        ["db", "upgrade", "--help"],
        ["keys", "rotate", "--help"],
    ],
)
def test_help_reads_without_opening_the_database(args: list[str], wire):
    container = in_memory_container()
    container.database.override(providers.Callable(no_app))
    result = invoke(wire(container), *args)

    assert result.exit_code == 0, result.output
    assert "Usage: sellerlink" in result.stdout
    assert "Traceback" not in result.output


def test_a_database_never_migrated_says_how_to_fix_it(tmp_path: Path, wire):
    container = sql_container(f"sqlite:///{tmp_path / 'new.db'}", Keyring.generate("k1"))

    result = invoke(wire(container), "connections", "list")

    assert result.exit_code == 4
    assert "INTERNAL_ERROR" in result.stderr
    assert "`sellerlink db upgrade`" in one_line(result.stderr)
    assert "Traceback" not in result.output
    container.database().dispose()
