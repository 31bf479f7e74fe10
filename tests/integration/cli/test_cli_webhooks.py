"""`sellerlink webhooks`: support sees a team's endpoints and what the receiver answered,
and retries or replays for the team (DESIGN §13)."""

from __future__ import annotations

from datetime import timedelta

from adapters.webhooks.receiver import Answer, LoopbackReceiver
from domain.grant import Channel
from tests.webhook_support import Product, subscribe
from tests.world import World


def test_support_sees_failed_deliveries_retries_and_replays(run, run_json, world: World) -> None:
    world.create_team()
    answers = {"status": 500}
    with LoopbackReceiver(lambda _: Answer(answers["status"], body=b"down for maintenance")) as r:
        product = Product(r)
        endpoint_id = subscribe(world.app, world.actor(), product)
        world.connect("us-seller", Channel.ADS)
        world.app.dispatch_webhooks()

        listed = run_json("webhooks", "list", "--team", world._team().id)
        assert [e["id"] for e in listed["items"]] == [endpoint_id]
        assert listed["items"][0]["failing_since"] is not None

        pending = run_json("webhooks", "deliveries", endpoint_id, "--status", "pending")
        (delivery,) = pending["items"]
        assert delivery["event_type"] == "connection.connected"
        assert delivery["attempts"] == 1
        assert delivery["last_status_code"] == 500
        table = run("webhooks", "deliveries", endpoint_id).stdout
        assert "connection.connected" in table

        answers["status"] = 204
        assert run("webhooks", "retry", delivery["id"]).exit_code == 0
        world.app.dispatch_webhooks()
        assert product.types() == ["connection.connected"]

        since = (world.clock.now() - timedelta(hours=1)).isoformat()
        replayed = run_json(
            "webhooks", "replay", endpoint_id, "--since", since, "--operator", "maria"
        )
        assert replayed["queued"] == 1
        world.app.dispatch_webhooks()
        # The same message again, with the same webhook-id: the product can tell.
        assert [m["id"] for m in product.verified()] == [delivery["event_id"]] * 2


def test_an_unknown_status_is_bad_input(run) -> None:
    result = run("webhooks", "deliveries", "whk_1", "--status", "lost")
    assert result.exit_code == 2
    assert "VALIDATION_FAILED" in result.stdout + result.stderr
