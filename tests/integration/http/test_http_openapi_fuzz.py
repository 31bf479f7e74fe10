"""schemathesis against /schema/openapi.json (DESIGN §5: "schemathesis must find no 5xx and no
schema violation"): every operation, valid and invalid inputs, authenticated as a team owner
with a dev token. Bounded: a few dozen examples per operation and mode.

Excluded, deliberately: `allow_header_conformance` (Litestar's 405 answers; STACK.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from dependency_injector import providers
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from litestar import Litestar
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import allow_header_conformance

from adapters.persistence import Keyring, SqlDatabase
from application.app import Application
from bootstrap.container import Container
from harness.driver import Api
from harness.postgres import create_database, drop_database

EXAMPLES_PER_OPERATION = 12
EXCLUDED_CHECKS = [allow_header_conformance]


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, container: Container, tmp_path: Path) -> Iterator[str]:
    """The same fuzzing on each database the product runs on: a 5xx that only SQL raises
    (a NUL in text on PostgreSQL, an over-long value) must surface here too."""
    if request.param == "memory":
        yield "memory"
        return
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'fuzz.db'}", None
    else:
        server = request.getfixturevalue("postgres_url")
        url = create_database(server, prefix="http_fuzz")
        drop = server
    database = SqlDatabase(url, Keyring.generate("k1"))
    database.upgrade()
    container.database.override(providers.Object(database))
    try:
        yield request.param
    finally:
        database.dispose()
        if drop is not None:
            drop_database(drop, url)


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    backend: str, web_app: Litestar, api: Api, app: Application
) -> None:
    using_sql = isinstance(getattr(app.ports.uow, "__self__", None), SqlDatabase)
    assert using_sql is (backend != "memory")
    team = api.create_team("Acme", plan="pro")
    connection = api.connect(team["owner"], "failing-marketplace-seller")["connection"]
    pending = api.start(team["owner"], "ads").json()
    real_ids = {
        "team_id": team.id,
        "connection_id": connection["id"],
        "marketplace_id": api.marketplaces(team["owner"], connection["id"])["UK"]["marketplace_id"],
        "authorization_state": pending["state"],
    }
    config = SchemathesisConfig.from_dict(
        {
            "headers": {"X-Team-Id": team.id},
            "auth": {"openapi": {"BearerToken": {"bearer": team["owner"].token}}},
            "generation": {
                # Unknown query parameters are ignored, not refused: Amazon may add its own to
                # the callbacks' query at any time.
                "allow-extra-parameters": False,
            },
            "checks": {
                # A well-formed but unknown OAuth state is OAUTH_STATE_INVALID (400) and a
                # stale one SESSION_EXPIRED (410): valid shapes the API must still refuse.
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "410"]
                },
            },
        }
    )
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", web_app, config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 29, "the schema lost operations"

    statuses: Counter[str] = Counter()
    cases = 0
    failures: list[str] = []
    unsatisfiable: list[str] = []

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def exercise(case: Any) -> None:
                nonlocal cases
                cases += 1
                # Half the time aim at real ids, to get past NOT_FOUND to the success bodies.
                if cases % 2 == 0:
                    for name, value in real_ids.items():
                        if name in (case.path_parameters or {}):
                            case.path_parameters[name] = value
                response = case.call_and_validate(excluded_checks=EXCLUDED_CHECKS)
                statuses[f"{response.status_code // 100}xx"] += 1
                assert response.status_code < 500, response.text

            try:
                exercise()
            except Unsatisfiable:
                # No invalid input exists when nothing is constrained (GET /health, a free-text
                # path segment); only the negative mode may find nothing to generate.
                assert mode is GenerationMode.NEGATIVE, operation.label
                unsatisfiable.append(operation.label)
            except BaseException as error:  # collect every operation's failure, then report
                failures.append(f"{operation.label} [{mode}]: {error}")

    print(  # the counts the report quotes
        f"\nschemathesis ({backend}): {len(operations)} operations, {cases} cases, "
        f"statuses {dict(sorted(statuses.items()))}, failures {len(failures)}, "
        f"no negative input possible for {unsatisfiable}"
    )
    assert not failures, "\n\n".join(failures)
