"""Scale-out as a newcomer runs it: a worker process beside `serve`, sharing the
data dir (or database) but started with other settings.

- Without the serve's port, the worker cannot reach the sandbox: the marketplace says
  AMAZON_UNAVAILABLE with the host it tried, and the job's log line too (never a silent
  `nothing_to_do`).
- With other encryption keys, the worker refuses to start and names the key id it lacks.
- In sandbox mode, the worker's clock follows the sandbox clock `serve` advances."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from dependency_injector import providers

from adapters.amazon import AmazonHttpGateway
from adapters.amazon.sandbox import FollowingClock
from adapters.persistence import Keyring
from adapters.worker import InProcessWorker
from bootstrap.container import Container, follow_sandbox_clock
from bootstrap.settings import Settings
from bootstrap.worker import preflight
from harness.driver import driving
from harness.server import container_on, embedded_product, free_port
from tests.fixtures import json_logs

pytestmark = pytest.mark.e2e

JWT_SECRET = "scale-out-e2e-secret-0123456789-abcdef"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    with json_logs("INFO") as stream:
        yield stream


def _worker(data_dir: Path, **settings: object) -> Container:
    """A second process's container: same data dir, its own settings."""
    return container_on(
        Settings(data_dir=data_dir, jwt_secret=JWT_SECRET, sandbox=True, **settings)  # type: ignore[arg-type]
    )


def test_a_worker_that_cannot_reach_the_sandbox_names_it(
    tmp_path: Path, log_lines: io.StringIO
) -> None:
    with (
        embedded_product(tmp_path, JWT_SECRET) as (base_url, _),
        driving(base_url, JWT_SECRET) as api,
    ):
        owner = api.create_team("Spread", plan="pro")["owner"]
        cid = api.connect(owner, "us-seller")["connection"]["id"]
        us = api.marketplaces(owner, cid)["US"]["marketplace_id"]
        api.select_marketplace(owner, cid, us)

        wrong = free_port()  # the newcomer's worker does not know the serve's port
        worker = _worker(tmp_path, port=wrong)
        worker.amazon.override(
            providers.Singleton(
                AmazonHttpGateway,
                worker.amazon_settings,
                clock=worker.clock.provided.now,
                sleep=lambda _seconds: None,
            )
        )
        report = InProcessWorker(worker.application(), interval=1).run_pass()
        assert report.errors == 0
        shown = api.marketplaces(owner, cid)["US"]
        worker.database().dispose()
    assert shown["state"] == "setting_up"
    assert "AMAZON_UNAVAILABLE" in shown["reason"]
    assert f"127.0.0.1:{wrong}" in shown["reason"]
    jobs = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    setup = [j for j in jobs if j.get("message") == "job" and j["job"] == "advance_setup"]
    assert setup[-1]["outcome"] == "retry_later"
    assert f"127.0.0.1:{wrong}" in setup[-1]["detail"]


def test_a_worker_with_other_encryption_keys_names_the_key_it_lacks(tmp_path: Path) -> None:
    with (
        embedded_product(tmp_path, JWT_SECRET) as (base_url, _),
        driving(base_url, JWT_SECRET) as api,
    ):
        owner = api.create_team("Keys", plan="pro")["owner"]
        api.connect(owner, "us-seller")
        port = int(base_url.rsplit(":", 1)[1])
        other = Keyring.generate("other-key").to_setting()
        worker = _worker(tmp_path, port=port, encryption_keys=other)
        with pytest.raises(SystemExit) as refused:
            preflight(worker)
        worker.database().dispose()
    used = (tmp_path / "encryption-keys").read_text().split(":")[0]
    message = str(refused.value)
    assert repr(used) in message
    assert "'other-key'" in message
    assert "SELLERLINK_ENCRYPTION_KEYS" in message


def test_a_worker_clock_follows_the_sandbox_clock_serve_advances(tmp_path: Path) -> None:
    with (
        embedded_product(tmp_path, JWT_SECRET) as (base_url, _),
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        worker = _worker(tmp_path, port=int(base_url.rsplit(":", 1)[1]))
        follow_sandbox_clock(worker)
        clock = worker.clock()
        assert isinstance(clock, FollowingClock)
        before = clock.now()
        client.post("/sandbox/_admin/clock", json={"advance_seconds": 86_400 * 30})
        clock._fetched_at = None  # no need to wait for the next refresh
        after = clock.now()
        worker.database().dispose()
    assert (after - before).days >= 29


def test_a_following_clock_never_runs_backwards_and_survives_an_absent_serve() -> None:
    from datetime import UTC, datetime, timedelta

    wall = datetime(2026, 12, 5, tzinfo=UTC)
    answers: list[datetime | Exception] = [wall + timedelta(days=3), ConnectionError(), wall]
    ticks = iter(range(0, 100, 5))

    def fetch(_url: str) -> datetime:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    clock = FollowingClock("http://127.0.0.1:1/sandbox", fetch=fetch, wall=lambda: wall,
                           monotonic=lambda: float(next(ticks)))  # fmt: skip
    assert clock.now() == wall + timedelta(days=3)
    assert clock.now() == wall + timedelta(days=3), "unreachable: the last offset"
    assert clock.now() == wall + timedelta(days=3), "never backwards"


def test_the_support_cli_follows_the_sandbox_clock_like_the_api(tmp_path: Path) -> None:
    """A year on in the sandbox, the CLI (its own process in real life) sees the same
    expiring authorization the API shows, not the wall clock's fresh one."""
    from typer.testing import CliRunner

    from bootstrap.cli import build

    with (
        embedded_product(tmp_path, JWT_SECRET) as (base_url, _),
        driving(base_url, JWT_SECRET) as api,
    ):
        owner = api.create_team("Later", plan="pro")["owner"]
        cid = api.connect(owner, "us-seller")["connection"]["id"]
        api.client.post("/sandbox/_admin/clock", json={"advance_seconds": 86_400 * 350})
        shown = api.ok("GET", f"/api/v1/connections/{cid}", owner)
        cli = _worker(tmp_path, port=int(base_url.rsplit(":", 1)[1]))
        result = CliRunner().invoke(build(cli), ["tokens", "forecast", "--days", "30", "--json"])
        cli.database().dispose()
    assert shown["health"] == "expiring"
    assert result.exit_code == 0, result.output
    forecast = json.loads(result.stdout)
    assert [i["connection_id"] for t in forecast["teams"] for i in t["items"]] == [cid]
