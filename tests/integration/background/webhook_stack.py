"""A delivering process for the webhook fault tests: the embedded worker's passes, or
procrastinate workers on PostgreSQL, with the real sender (loopback receivers allowed, no
DNS). Run as `python -m tests.integration.background.webhook_stack MODE --db URL --clock F
--work DIR`; the keyring comes from SELLERLINK_TEST_KEYS."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from pathlib import Path

from adapters.persistence import Keyring, SqlDatabase
from adapters.webhooks import HttpWebhookSender, TargetPolicy, offline_resolver
from adapters.worker import run_pass
from application.app import Application
from application.context import Ports
from bootstrap.system import TokenSecrets, UlidIds
from harness.stack import KEYS_VARIABLE, FileClock, python_child


class _NoAmazon:
    """The delivering process never calls Amazon in these tests."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"Amazon was called: {name}")


def build_app(database: SqlDatabase, clock: FileClock) -> Application:
    sender = HttpWebhookSender(
        TargetPolicy(allow_loopback=True, resolver=offline_resolver), timeout=5
    )
    ports = Ports(
        uow=database.unit_of_work,
        clock=clock,
        ids=UlidIds(),
        secrets=TokenSecrets(),
        amazon=_NoAmazon(),  # type: ignore[arg-type]
        webhooks=sender,
    )
    return Application(ports)


def spawn(mode: str, *, database_url: str, keyring: Keyring, clock: FileClock, work: Path):
    arguments = ["--db", database_url, "--clock", str(clock.path), "--work", str(work)]
    module = "tests.integration.background.webhook_stack"
    return python_child(module, mode, arguments, keyring, work)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["embedded", "procrastinate"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--clock", required=True, type=Path)
    parser.add_argument("--work", required=True, type=Path)
    args = parser.parse_args(argv)
    keyring = Keyring.parse(os.environ[KEYS_VARIABLE])
    clock = FileClock(args.clock)
    if args.mode == "procrastinate":
        from adapters.worker.procrastinate_runtime import run_procrastinate_worker

        def factory() -> Application:
            return build_app(SqlDatabase(args.db, keyring), clock)

        run_procrastinate_worker(factory, args.db, concurrency=2, interval=1, schedule_every=0.3)
        return
    database = SqlDatabase(args.db, keyring)
    app = build_app(database, clock)
    stop = args.work / "stop"
    while not stop.exists():
        run_pass(app)
        time.sleep(0.02)
    database.dispose()


if __name__ == "__main__":
    main()
