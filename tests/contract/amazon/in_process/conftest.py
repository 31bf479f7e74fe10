"""Amazon's models against the sandbox driven in process (no server, no port): each test
gets a fresh sandbox on a simulated clock it can move, so windows, restatements and
processing delays are reached without waiting."""

from __future__ import annotations

from datetime import datetime

import pytest

from adapters.amazon.sandbox.in_process import InProcessAmazon
from bootstrap.system import SettableClock
from tests.contract.amazon.sandbox_helpers import START


@pytest.fixture
def start() -> datetime:
    """When the simulated clock starts; a module that needs another day overrides it."""
    return START


@pytest.fixture
def clock(start: datetime) -> SettableClock:
    return SettableClock(start)


@pytest.fixture
def amazon(clock: SettableClock) -> InProcessAmazon:
    return InProcessAmazon(clock)
