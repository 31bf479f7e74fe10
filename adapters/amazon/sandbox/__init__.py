"""The Amazon sandbox: an honest emulation of Login with Amazon, the Ads API and the Selling
Partner API, refusing what Amazon refuses. See `adapters.amazon` for the entry points."""

from adapters.amazon.sandbox.app import (
    SANDBOX_PATH,
    create_sandbox_app,
    create_sandbox_router,
    ignore_host_below,
)
from adapters.amazon.sandbox.clock import FollowingClock, SandboxClock
from adapters.amazon.sandbox.scenarios import SCENARIOS, Scenario
from adapters.amazon.sandbox.serve import SandboxServer, run_sandbox
from adapters.amazon.sandbox.state import Fault, Sandbox

__all__ = [
    "SANDBOX_PATH",
    "SCENARIOS",
    "Fault",
    "FollowingClock",
    "Sandbox",
    "SandboxClock",
    "SandboxServer",
    "Scenario",
    "create_sandbox_app",
    "create_sandbox_router",
    "ignore_host_below",
    "run_sandbox",
]
