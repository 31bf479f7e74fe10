"""Fixtures of the background tests: everything in memory, Amazon faked, time settable."""

from __future__ import annotations

import pytest

from tests.unit.background.support import Background, ready_seller
from tests.world import World


@pytest.fixture
def seller(world: World) -> Background:
    return ready_seller(world)
