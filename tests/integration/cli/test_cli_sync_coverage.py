"""`sellerlink marketplaces sync`: where a customer's data is, per dataset: coverage, the
history's progress, the last success and Amazon's last error (DESIGN §12)."""

from __future__ import annotations

from datetime import timedelta

from adapters.worker import run_pass
from application.marketplaces import UpdateMarketplaceCommand
from domain.team import Plan
from tests.world import World


def test_support_sees_each_datasets_coverage_and_last_error(run, run_json, world: World):
    team = world.create_team("Acme", plan=Plan.PRO)
    connection_id = world.connect_fully("us-seller").connection.id
    world.app.update_marketplace(
        UpdateMarketplaceCommand(
            world.actor(team=team), connection_id, "ATVPDKIKX0DER", selected=True
        )
    )
    for _ in range(3):
        run_pass(world.app)
    world.amazon.throttled = True  # Amazon answers 429 QuotaExceeded to the data calls
    world.clock.advance(timedelta(hours=2))
    run_pass(world.app)

    found = run_json("marketplaces", "sync", connection_id, "US")
    datasets = {d["dataset"]: d for d in found["datasets"]}
    assert "orders" in datasets  # and whatever else SELLERLINK_DATASETS lets it sync
    orders = datasets["orders"]
    assert orders["covered_until"] is not None
    assert orders["covered_from"] < orders["covered_until"]
    assert 0 < orders["progress_percent"] <= 100
    assert orders["last_error"]["code"] == "RATE_LIMITED"

    shown = run("marketplaces", "sync", connection_id, "US")
    assert shown.exit_code == 0, shown.stderr
    for expected in ("Sync coverage of ATVPDKIKX0DER", "orders", "RATE_LIMITED", "%"):
        assert expected in shown.stdout, expected
