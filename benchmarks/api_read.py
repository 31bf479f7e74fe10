"""GET /api/v1/connections against a bare Litestar endpoint serving the same bytes,
measured side by side in one run.

Three servers, each in its own process under the same uvicorn settings on loopback: a bare
Litestar app returning the exact body sellerlink answered, sellerlink on SQLite with 50
connections that each carry a year of history (three marketplaces with a transition a day
and two audit events a day), and sellerlink with the same 50 connections and no history.
They are loaded in turn, round after round (ROUNDS rounds of DURATION/ROUNDS seconds
each, each round in another order), so that a change in the machine's other load during the
run weighs on all three alike. The history server is loaded once more with a product back
end's API key instead of a person's token. The load generator is `wrk` (Debian's package)
when installed, otherwise a bounded Python client on keep-alive connections.

Prints the throughput ratio sellerlink/bare (target >= 0.30) and the time ratio year of
history/no history (target <= 1.2). Ratios only: the machine is shared.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvicorn
from litestar import Litestar, MediaType, Response, get
from sqlalchemy import insert

from adapters.persistence import Keyring, SqlDatabase
from adapters.persistence.connection_rows import MarketplaceTransitionRow
from adapters.persistence.event_rows import AuditEventRow
from bootstrap.settings import Settings
from domain.api_key import Scope, format_key, issue_key
from domain.connection import AccountType, Connection, Region
from domain.datasets import datasets_for
from domain.grant import Channel, Consent
from domain.secret import Secret
from domain.sync import SyncCursor, sync_horizon
from domain.team import Membership, Plan, Role, Team, TeamKind
from harness.seeds import selected_marketplace
from harness.server import container_on, free_port, server_options, stop, wait_until_serving

CONNECTIONS = 50
DAYS = 365
TEAM, OWNER = "team_bench", "owner@bench"
SECRET = "benchmark-secret-0123456789-abcdefghijklmnop"
KEY_ID, KEY_SECRET = "key_bench", "0123456789abcdef" * 4  # a product back end's API key
PATH = f"/api/v1/connections?limit={CONNECTIONS}"
DURATION = float(os.environ.get("API_READ_SECONDS", "6"))
CONCURRENCY = 16
ROUNDS = 6
MARKETPLACES = ("ATVPDKIKX0DER", "A2EUQ1WTGCTBG2")  # US, CA


def seller_id(n: int) -> str:
    return f"A{n:05d}SELLER"


def ads_account_id(n: int) -> str:
    return f"E{n}"


def seed(
    url: str,
    *,
    history: bool,
    sp_api_refresh_tokens: Sequence[str] = (),
    ads_refresh_tokens: Sequence[str] = (),
    keyring: Keyring | None = None,
) -> None:
    """50 live seller connections as the use cases leave them; with `history`, a year of
    transitions and events written straight to the tables (what a year of work leaves).
    `sp_api_refresh_tokens`, `ads_refresh_tokens`: real ones (minted by a sandbox for the
    accounts SELLER_ID(n) and ADS_ACCOUNT_ID(n)), one per connection, so that a worker can
    refresh and call Amazon (benchmarks/load.py), with the server's `keyring`."""
    database = SqlDatabase(url, keyring or Keyring.generate("k1"))
    database.upgrade()
    now = datetime.now(UTC)
    start = now - timedelta(days=DAYS)
    recorded: dict[str, int] = {}  # transitions per marketplace before the history
    with database.unit_of_work() as uow:
        uow.teams.add(Team(TEAM, "Bench", TeamKind.AGENCY, created_at=start, plan=Plan.PRO))
        uow.memberships.put(Membership(TEAM, OWNER, Role.OWNER, start))
        uow.api_keys.add(
            issue_key(
                key_id=KEY_ID,
                team_id=TEAM,
                name="bench back end",
                scopes=[Scope.CONNECTIONS_READ],
                secret=KEY_SECRET,
                created_at=start,
                created_by=OWNER,
            ).key
        )
        for n in range(CONNECTIONS):
            connection = Connection(
                id=f"con_{n:03d}",
                team_id=TEAM,
                account_type=AccountType.SELLER,
                region=Region.NA,
                created_at=start + timedelta(minutes=n),
                display_name=f"Seller {n}",
            )
            for channel, minted in (
                (Channel.ADS, ads_refresh_tokens),
                (Channel.SP_API, sp_api_refresh_tokens),
            ):
                consent = Consent(
                    refresh_token=Secret(minted[n] if n < len(minted) else f"Atzr|{channel}-{n}"),
                    scopes=(),
                    account_id=seller_id(n) if channel is Channel.SP_API else None,
                )
                connection.authorize(channel, consent, at=now - timedelta(days=n % 360))
            connection.ads_account_id = ads_account_id(n)
            uow.connections.add(connection)
            for marketplace_id in MARKETPLACES:
                # A year on, setup and the first sync are long done and every dataset's
                # sync is current (nothing for a worker to catch up on but new work).
                marketplace = selected_marketplace(connection.id, start, marketplace_id)
                uow.marketplaces.add(marketplace)
                recorded[marketplace_id] = len(marketplace.history)
                for dataset in datasets_for(connection, marketplace_id):
                    uow.sync_cursors.put(
                        SyncCursor(
                            connection.id,
                            marketplace_id,
                            dataset,
                            synced_until=sync_horizon(now),
                            covered_from=start,
                            last_success_at=now,
                        )
                    )
        uow.commit()
    if history:
        transitions, events = [], []
        for n in range(CONNECTIONS):
            for marketplace_id in MARKETPLACES:
                for day in range(DAYS):
                    transitions.append(
                        {
                            "connection_id": f"con_{n:03d}",
                            "marketplace_id": marketplace_id,
                            # After the transitions the use cases recorded: a
                            # marketplace's history is numbered without gaps.
                            "seq": recorded[marketplace_id] + day,
                            "at": start + timedelta(days=day),
                            "from_state": "setting_up",
                            "to_state": "setting_up",
                            "reason": "a day of work",
                            "actor": "worker",
                        }
                    )
            for day in range(DAYS * 2):
                events.append(
                    {
                        "id": f"evt_{n:03d}_{day:04d}",
                        "at": start + timedelta(hours=12 * day),
                        "team_id": TEAM,
                        "connection_id": f"con_{n:03d}",
                        "kind": "records.updated",
                        "actor": "sellerlink",
                        "summary": "Synced a window",
                        "data": {"records": "12"},
                        "published_at": start + timedelta(hours=12 * day),
                    }
                )
        with database.engine.begin() as sql:
            sql.execute(insert(MarketplaceTransitionRow), transitions)
            sql.execute(insert(AuditEventRow), events)
    database.dispose()


# --------------------------------------------------------------------------- the servers


def server_settings(url: str, data_dir: str, **more: Any) -> Settings:
    """A benchmark's sellerlink server: on `url`, its files in `data_dir`, people's tokens
    signed with SECRET, warnings only in its log; `more` for what the benchmark adds."""
    return Settings(
        database_url=url, data_dir=Path(data_dir), jwt_secret=SECRET, log_level="WARNING", **more
    )


def serve_sellerlink(url: str, data_dir: str, port: int) -> None:
    from bootstrap.web import create_app

    container = container_on(server_settings(url, data_dir, worker_in_process=False))
    uvicorn.run(create_app(container), **server_options(port))


def serve_bare(body_file: str, port: int) -> None:
    body = Path(body_file).read_bytes()

    @get("/api/v1/connections", sync_to_thread=False)
    def connections() -> Response[bytes]:
        return Response(body, media_type=MediaType.JSON)

    uvicorn.run(Litestar([connections]), **server_options(port))


def start(args: list[str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, __file__, *args, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_until_serving(
        process, port, 30, lambda: process.stderr.read().decode() if process.stderr else ""
    )
    return process


# --------------------------------------------------------------------------- the load


def fetch(port: int, token: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", PATH, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {PATH}: {response.status} {body[:300]!r}")
    return body


def load(port: int, token: str, seconds: float) -> tuple[int, float, float]:
    """Requests answered in `seconds` of load, the seconds, and the p50 latency in ms."""
    if shutil.which("wrk"):
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{CONCURRENCY}",
                f"-d{seconds:g}s",
                "--latency",
                "-H",
                f"Authorization: Bearer {token}",
                f"http://127.0.0.1:{port}{PATH}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if "Non-2xx" in out or "Socket errors" in out:
            raise RuntimeError(out)
        done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
        p50 = re.search(r"^\s*50%\s+([\d.]+)(us|ms|s)\b", out, re.MULTILINE)
        if done is None or p50 is None:
            raise RuntimeError(out)
        took = float(done.group(2)) * (0.001 if done.group(3) == "ms" else 1.0)
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]
        return int(done.group(1)), took, float(p50.group(1)) * scale
    return python_load(port, token, seconds)


def python_load(port: int, token: str, seconds: float) -> tuple[int, float, float]:
    done = [0]
    latencies: list[float] = []
    lock = threading.Lock()
    until = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < until:
            began = time.monotonic()
            connection.request("GET", PATH, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"status {response.status}")
            with lock:
                done[0] += 1
                latencies.append(time.monotonic() - began)

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0.0
    return done[0], time.monotonic() - began, p50


def main() -> None:
    from adapters.http import mint_dev_token

    token = mint_dev_token(SECRET, OWNER, TEAM, timedelta(hours=2))
    servers: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="sellerlink-api-read-") as tmp:
        urls = {
            "history": f"sqlite:///{tmp}/history.db",
            "no history": f"sqlite:///{tmp}/bare.db",
        }
        seed(urls["history"], history=True)
        seed(urls["no history"], history=False)
        try:
            ports: dict[str, int] = {}
            for name, url in urls.items():
                ports[name] = free_port()
                args = ["--serve", "sellerlink", "--db", url, "--data-dir", tmp]
                servers.append(start(args, ports[name]))
            body = fetch(ports["history"], token)
            fetch(ports["no history"], token)
            body_file = Path(tmp) / "body.json"
            body_file.write_bytes(body)
            ports["bare"] = free_port()
            servers.append(start(["--serve", "bare", "--body", str(body_file)], ports["bare"]))
            if fetch(ports["bare"], token) != body:
                raise RuntimeError("the bare endpoint does not serve the same bytes")
            # (what is measured, server, bearer): a person's token, and a product back end's
            # API key on the same server.
            targets = [
                ("bare", ports["bare"], token),
                ("history", ports["history"], token),
                ("no history", ports["no history"], token),
                ("history, API key", ports["history"], format_key(KEY_ID, KEY_SECRET)),
            ]
            load_before = os.getloadavg()[0]
            totals = {name: [0, 0.0] for name, _, _ in targets}
            p50s: dict[str, list[float]] = {name: [] for name, _, _ in targets}
            for round_ in range(ROUNDS):
                # Each round in another order: none is always loaded right after another.
                for name, port, bearer in targets[round_:] + targets[:round_]:
                    requests, seconds, p50 = load(port, bearer, DURATION / ROUNDS)
                    totals[name][0] += requests
                    totals[name][1] += seconds
                    p50s[name].append(p50)
            load_after = os.getloadavg()[0]
        finally:
            for server in servers:
                stop(server)
    rps = {name: requests / seconds for name, (requests, seconds) in totals.items()}
    tool = "wrk" if shutil.which("wrk") else "python client"
    print(
        f"GET {PATH}: {CONNECTIONS} connections, {len(body)} bytes, {tool} "
        f"{CONCURRENCY} connections, {ROUNDS} rounds x {DURATION / ROUNDS:g}s per server, "
        f"uvicorn on loopback; load average {load_before:.2f} -> {load_after:.2f}"
    )
    for name, _, _ in targets:
        label = "bare Litestar, same bytes" if name == "bare" else f"sellerlink, {name}"
        p50 = sorted(p50s[name])[len(p50s[name]) // 2]
        print(f"  {label:<32} {rps[name]:9.1f} req/s   p50 {p50:.2f} ms")
    throughput = rps["history"] / rps["bare"]
    slowdown = rps["no history"] / rps["history"]
    print(f"throughput ratio sellerlink/bare (year of history): {throughput:.2f} (target >= 0.30)")
    print(f"  the same with an API key: {rps['history, API key'] / rps['bare']:.2f}")
    print(f"time ratio year of history / no history: {slowdown:.2f} (target <= 1.2)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", choices=["sellerlink", "bare"])
    parser.add_argument("--db")
    parser.add_argument("--data-dir")
    parser.add_argument("--body")
    parser.add_argument("--port", type=int)
    options = parser.parse_args()
    if options.serve == "sellerlink":
        serve_sellerlink(options.db, options.data_dir, options.port)
    elif options.serve == "bare":
        serve_bare(options.body, options.port)
    else:
        main()
