"""With --json, a command line that does not even parse is answered in JSON:
a script reads `error.code` and `exit_code` whatever went wrong; without --json people
get click's usage message. Exit 2 either way."""

from __future__ import annotations

import json

import pytest

from tests.integration.cli.conftest import Run


@pytest.mark.parametrize(
    "args",
    [
        ("connections", "list", "--health", "bogus", "--json"),
        ("connections", "show", "--json"),
        ("--json", "connections", "list", "--no-such-option"),
        ("tokens", "forecast", "--days", "soon", "--json"),
    ],
)
def test_bad_arguments_with_json_are_a_json_error(run: Run, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    answer = json.loads(result.stdout)
    assert answer["exit_code"] == 2
    assert answer["error"]["code"] == "VALIDATION_FAILED"
    assert answer["error"]["detail"]


def test_without_json_a_usage_error_stays_a_usage_message(run: Run) -> None:
    result = run("connections", "list", "--health", "bogus")
    assert result.exit_code == 2
    assert not result.stdout.lstrip().startswith("{")
    assert "bogus" in result.output
