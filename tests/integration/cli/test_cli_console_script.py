"""The installed `sellerlink` console script (bootstrap/cli.py's wiring of build_cli), in its
own process, reading a SQLite file that this process prepared through the use cases: what
a support agent does while the service runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dependency_injector import providers

from adapters.amazon.regions import marketplace_id
from adapters.persistence import Keyring, SqlDatabase
from application.marketplaces import UpdateMarketplaceCommand
from bootstrap.container import in_memory_container
from domain.grant import Channel
from domain.team import Plan
from tests.world import World

SELLERLINK = Path(sys.executable).parent / "sellerlink"


@pytest.fixture
def environment(tmp_path: Path, keyring: Keyring) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERLINK_")}
    env |= {
        "SELLERLINK_DATA_DIR": str(tmp_path / "data"),
        "SELLERLINK_ENCRYPTION_KEYS": keyring.to_setting(),
        "COLUMNS": "120",
    }
    return env


def sellerlink(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SELLERLINK), *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_console_script_reads_and_retries_on_the_shared_database(
    environment: dict[str, str], keyring: Keyring, tmp_path: Path
):
    upgraded = sellerlink(environment, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert (tmp_path / "data" / "sellerlink.db").exists()

    container = in_memory_container()
    url = f"sqlite:///{tmp_path / 'data' / 'sellerlink.db'}"
    container.database.override(providers.Singleton(SqlDatabase, url, keyring))
    app = container.application()
    world = World(app=app, clock=container.clock(), amazon=container.amazon())
    team = world.create_team("Acme", plan=Plan.PRO)
    owner = world.actor(team=team)
    connection_id = world.connect("failing-marketplace-seller", Channel.ADS).connection.id
    world.connect("failing-marketplace-seller", Channel.SP_API, connection_id=connection_id)
    app.update_marketplace(
        UpdateMarketplaceCommand(owner, connection_id, marketplace_id("DE"), selected=True)
    )
    app.advance_all_setups()

    listed = sellerlink(environment, "connections", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [i["id"] for i in json.loads(listed.stdout)["items"]] == [connection_id]

    retried = sellerlink(
        environment, "marketplaces", "retry", connection_id, "DE", "--operator", "maria"
    )
    assert retried.returncode == 0, retried.stderr
    history = app.support.marketplace_history(connection_id, marketplace_id("DE"))
    assert history.items[-1].actor == "support:maria"

    missing = sellerlink(environment, "connections", "show", "con_404")
    assert missing.returncode == 1
    assert "NOT_FOUND" in missing.stderr
    assert "Traceback" not in missing.stderr
    container.database().dispose()
