"""Marketplace use cases the features do not walk through: refusals, idempotent worker
steps, Amazon outages during setup, and the team's retry limit (seeds 000, 001, 002)."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode
from domain.marketplace import MarketplaceState
from domain.team import Plan, Role
from tests.world import World, refused

S = MarketplaceState


@pytest.fixture
def eu(acme: World) -> World:
    acme.connect_fully("failing-marketplace-seller", actor=acme.actor(Role.ADMIN))
    return acme


def test_retrying_a_marketplace_that_did_not_fail_is_refused(eu: World) -> None:
    eu.select_marketplace("UK")
    assert refused(eu.retry_marketplace, "UK") is ErrorCode.INVALID_TRANSITION
    assert eu.marketplace("UK").retries_used == 0


def test_an_unknown_marketplace_is_not_found(eu: World) -> None:
    assert (
        refused(eu.app.retry_marketplace, eu.actor(), eu.connection_id, "NOT-A-MARKETPLACE")
        is ErrorCode.NOT_FOUND
    )


def test_another_teams_marketplaces_are_out_of_reach(eu: World) -> None:
    rival = eu.create_team("Rival")
    outsider = eu.actor(Role.OWNER, rival)
    assert refused(eu.app.list_marketplaces, outsider, eu.connection_id) is ErrorCode.NOT_A_MEMBER
    assert refused(eu.select_marketplace, "UK", outsider) is ErrorCode.NOT_A_MEMBER


def test_the_worker_leaves_a_ready_marketplace_alone(eu: World) -> None:
    eu.select_marketplace("UK")
    eu.run_setup(passes=2)
    history = len(eu.app.marketplace_history(eu.actor(), eu.connection_id, _id(eu, "UK")).items)
    eu.run_setup(passes=3)
    assert eu.marketplace("UK").state is S.READY
    after = eu.app.marketplace_history(eu.actor(), eu.connection_id, _id(eu, "UK")).items
    assert len(after) == history


def test_amazon_down_during_setup_delays_it_instead_of_failing_it(eu: World) -> None:
    eu.select_marketplace("UK")
    eu.amazon.unavailable = True
    eu.run_setup(passes=3)
    assert eu.marketplace("UK").label == "Setting up..."
    assert eu.marketplace("UK").retries_used == 0
    eu.amazon.unavailable = False
    eu.run_setup()
    assert eu.marketplace("UK").label == "Syncing..."


def test_the_retry_limit_is_the_teams_setting(world: World) -> None:
    world.create_team("Acme", plan=Plan.PRO)
    assert world.team is not None
    assert world.team.marketplace_retry_limit == 3
    world.connect_fully("failing-marketplace-seller")
    assert {m.retry_limit for m in world.marketplaces()} == {3}


def test_deselecting_clears_active_but_keeps_the_setup_progress(eu: World) -> None:
    eu.update_marketplace("UK", active=True)
    eu.run_setup()
    eu.update_marketplace("UK", selected=False)
    uk = eu.marketplace("UK")
    assert (uk.selected, uk.active, uk.label) == (False, False, "Syncing...")


def test_history_stays_readable_after_a_disconnect(eu: World) -> None:
    eu.select_marketplace("IT")
    eu.run_setup()
    marketplace_id = _id(eu, "IT")
    eu.app.disconnect(eu.actor(), eu.connection_id)
    history = eu.app.marketplace_history(eu.actor(), eu.connection_id, marketplace_id)
    assert [t.to_state for t in history.items] == [S.AVAILABLE, S.SETTING_UP, S.FAILED]
    assert history.retry_history[-1].reason == "Failed to create geocompany for IT"


def test_every_marketplace_change_is_in_the_timeline_with_its_actor(eu: World) -> None:
    eu.select_marketplace("DE", eu.actor(Role.MANAGER))
    eu.run_setup()
    eu.retry_marketplace("DE", eu.actor(Role.ADMIN))
    changes = [(e.actor, e.summary) for e in eu.events() if e.kind == "marketplace.changed"]
    assert changes == [
        ("user:manager@acme", "Amazon.de: selected=True, available -> setting_up"),
        ("sellerlink", "Amazon.de: setting_up -> failed (Failed to create geocompany for DE)"),
        ("user:admin@acme", "Amazon.de: retry 1 of 3, back to Setting up"),
    ]


def _id(world: World, country: str) -> str:
    return world.marketplace(country).marketplace_id
