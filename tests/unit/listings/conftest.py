"""Listing updates are sent through a connection: most tests start from a team whose
us-seller account is connected on both channels (Amazon Ads, then the SP-API)."""

from __future__ import annotations

import pytest

from tests.world import World


@pytest.fixture
def connected(world: World) -> World:
    world.create_team()
    world.connect_fully("us-seller")
    return world
