"""The seller's data over HTTP against the sandbox: the embedded product as
`make run` wires it, the worker's passes, and the sandbox clock moved by its admin API.
`eu-seller` with DE and FR: records of every dataset for both (ad campaigns where the chosen
advertising profile is), Ready only once the latest window of every dataset is in, history
to 100 %, the sync paused while the seller has removed the app, and after a reconnect ten
days later the gap filled with no day missing and no key twice."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from adapters.worker import InProcessWorker
from bootstrap.container import Container
from harness.driver import Api, User

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SELLER = "A1SBXEUSELLER01"
HISTORY_DAYS = 14
DATA_FAMILIES = ("sp_api", "ads", "documents")


class Seller:
    """The team's view over HTTP, and the worker and the sandbox clock behind it."""

    def __init__(self, api: Api, container: Container, owner: User, connection_id: str):
        self.api, self.owner, self.connection_id = api, owner, connection_id
        self.worker = InProcessWorker(container.application(), interval=1)

    def advance(self, seconds: float) -> None:
        self.api.client.post("/sandbox/_admin/clock", json={"advance_seconds": seconds})

    def now(self) -> datetime:
        return datetime.fromisoformat(self.api.client.get("/sandbox/_admin/clock").json()["now"])

    def marketplaces(self) -> dict[str, dict[str, Any]]:
        return self.api.marketplaces(self.owner, self.connection_id)

    def passes(self, count: int, *, every: float = 300) -> None:
        """Worker passes, the clock moving `every` seconds between them; after each one,
        a marketplace that says Ready has the latest window of every dataset."""
        for _ in range(count):
            self.worker.run_pass()
            for marketplace in self.marketplaces().values():
                if marketplace["state"] == "ready":
                    assert all(d["covered_until"] for d in marketplace["sync"]["datasets"])
            self.advance(every)

    def records(self, **filters: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 1000, **filters}
        while True:
            page = self.api.ok("GET", "/api/v1/records", self.owner, params=params)
            found += page["items"]
            if not page["has_more"]:
                return found
            params["after"] = page["next_cursor"]

    def data_calls_since(self, moment: datetime) -> list[str]:
        log = self.api.client.get("/sandbox/_admin/requests").json()["items"]
        return [
            e["path"]
            for e in log
            if e["family"] in DATA_FAMILIES and datetime.fromisoformat(e["at"]) > moment
        ]


def _connected(api: Api, container: Container) -> Seller:
    team = api.create_team("Kontor", plan="pro")
    owner = team["owner"]
    api.ok("PATCH", f"/api/v1/teams/{team.id}", owner, json={"history_days": HISTORY_DAYS})
    connection_id = api.connect(owner, "eu-seller")["connection"]["id"]
    profiles = api.ok("GET", f"/api/v1/connections/{connection_id}/profiles", owner)["items"]
    de_profile = next(p["profile_id"] for p in profiles if p["country_code"] == "DE")
    api.choose_profile(owner, connection_id, de_profile)
    seller = Seller(api, container, owner, connection_id)
    for country in ("DE", "FR"):
        marketplace_id = seller.marketplaces()[country]["marketplace_id"]
        api.select_marketplace(owner, connection_id, marketplace_id)
    return seller


def _days(records: list[dict[str, Any]]) -> list[str]:
    return sorted({r["data"]["date"] for r in records})


def _contiguous(days: list[str]) -> bool:
    first = date.fromisoformat(days[0])
    return days == [(first + timedelta(days=n)).isoformat() for n in range(len(days))]


def test_an_eu_seller_gets_every_dataset_in_de_and_fr_and_the_gap_after_a_reconnect(
    api: Api, container: Container
) -> None:
    seller = _connected(api, container)
    seller.passes(1)
    assert {m["state"] for c, m in seller.marketplaces().items() if c in ("DE", "FR")} <= {
        "syncing",
        "ready",
    }
    seller.passes(12)
    markets = seller.marketplaces()
    for country, expected in (
        ("DE", {"orders", "sales_traffic", "inventory", "ads_campaigns"}),
        ("FR", {"orders", "sales_traffic", "inventory"}),
    ):
        assert markets[country]["state"] == "ready"
        datasets = {d["dataset"]: d for d in markets[country]["sync"]["datasets"]}
        assert set(datasets) == expected
        assert all(d["progress_percent"] == 100 for d in datasets.values()), datasets
        found = seller.records(marketplace_id=markets[country]["marketplace_id"])
        assert {r["dataset"] for r in found} == expected
    # No restricted data token was asked for: no buyer PII can come back.
    connected_at = seller.now() - timedelta(days=1)
    assert not [p for p in seller.data_calls_since(connected_at) if p.startswith("/tokens/")]

    # The seller removes the app in Seller Central: the sync pauses.
    api.client.post("/sandbox/_admin/revoke", json={"selling_partner_id": SELLER})
    seller.passes(4, every=1800)  # the access token lapses; the refresh is refused
    connection = api.ok("GET", f"/api/v1/connections/{seller.connection_id}", seller.owner)
    assert connection["health"] == "reconnect_required"
    paused_at = seller.now()
    seller.passes(3, every=3600)
    assert seller.data_calls_since(paused_at) == []

    # Ten days later the seller reconnects; the missed days come back, none twice.
    seller.advance(10 * 86400)
    for channel in ("ads", "sp_api"):
        answer = api.authorize(
            seller.owner, "eu-seller", channel, connection_id=seller.connection_id
        )
        assert answer.status_code == 200, answer.text
    seller.passes(16)
    for country in ("DE", "FR"):
        marketplace_id = seller.marketplaces()[country]["marketplace_id"]
        found = seller.records(marketplace_id=marketplace_id)
        keys = Counter((r["dataset"], r["key"]) for r in found)
        assert max(keys.values()) == 1  # no key twice
        days = _days([r for r in found if r["dataset"] == "sales_traffic"])
        assert len(days) >= HISTORY_DAYS - 1, days
        assert _contiguous(days), days  # no day missing
        hours = sorted(
            datetime.fromisoformat(r["data"]["LastUpdateDate"].replace("Z", "+00:00"))
            for r in found
            if r["dataset"] == "orders"
        )
        gaps = [b - a for a, b in itertools.pairwise(hours)]
        assert max(gaps) <= timedelta(hours=2), max(gaps)
        assert hours[-1] > seller.now() - timedelta(hours=3)
