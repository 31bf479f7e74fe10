"""The state every emulated Amazon API shares: the clock, the apps, the scenario accounts,
issued tokens, usage-plan buckets and the request log.

Each API module (lwa, ads, sellers, listings, orders, faults) adds its operations to
`SandboxCore` as a mixin, as `adapters/amazon/` is split for the real Amazon; `state.Sandbox`
puts them together. Everything is resettable (`reset()`), except the clock, which never runs
backwards.
"""

from __future__ import annotations

import random
import secrets
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from attrs import define, frozen

from adapters.amazon.rate_limit import RATE_PLANS, RatePlan, TokenBucket
from adapters.amazon.sandbox.replies import Reply, sp_error
from adapters.amazon.sandbox.scenarios import SCENARIOS, Scenario
from adapters.amazon.settings import AmazonSettings

SP_API, ADS = "sp_api", "ads"

# Field names whose values never reach the request log in plain text.
SECRET_FIELDS = frozenset(
    {
        "code",
        "spapi_oauth_code",
        "refresh_token",
        "access_token",
        "client_secret",
        "code_verifier",
        "authorization",
        "x-amz-access-token",
    }
)


class Clock(Protocol):
    """The sandbox's time: `SandboxClock` when served, the tests' settable clock when the
    sandbox runs in-process behind the gateway."""

    def now(self) -> datetime: ...


def redact(values: Mapping[str, str]) -> dict[str, str]:
    return {
        key: ("[redacted]" if key.lower() in SECRET_FIELDS else value)
        for key, value in values.items()
    }


@define
class IssuedCode:
    channel: str
    client_id: str
    redirect_uri: str
    scenario: str
    issued_at: datetime
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    used: bool = False


@define
class RefreshRecord:
    channel: str
    client_id: str
    scenario: str
    authorized_at: datetime
    revoked: bool = False


@frozen
class AccessRecord:
    channel: str
    client_id: str
    scenario: str
    expires_at: datetime


class SandboxCore:
    """One emulated Amazon for the apps named in `settings`."""

    def __init__(
        self,
        clock: Clock,
        settings: AmazonSettings,
        *,
        seed: int = 0,
        extra_scenarios: Sequence[Scenario] = (),
    ) -> None:
        self.clock = clock
        self.settings = settings
        # Benchmarks and load tests add accounts of their own beside the documented ones.
        self.scenarios: Mapping[str, Scenario] = {
            **SCENARIOS,
            **{s.name: s for s in extra_scenarios},
        }
        self._seed = seed
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.codes: dict[str, IssuedCode] = {}
            self.refresh_tokens: dict[str, RefreshRecord] = {}
            self.access_tokens: dict[str, AccessRecord] = {}
            self.buckets: dict[tuple[str, str], TokenBucket] = {}
            self.request_log: list[dict[str, Any]] = []
            self.counters: Counter[str] = Counter()
            self.rng = random.Random(self._seed)

    def now(self) -> datetime:
        return self.clock.now()

    def seconds(self) -> float:
        """A monotonic scale for the usage-plan buckets: the simulated time itself."""
        return self.now().timestamp()

    def log_request(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.request_log.append(entry)
            del self.request_log[:-5000]

    def scenario_of(self, selling_partner_id: str) -> Scenario | None:
        return next(
            (
                s
                for s in self.scenarios.values()
                if selling_partner_id in (s.selling_partner_id, s.ads_account_id)
            ),
            None,
        )

    # ------------------------------------------------------------------ apps and tokens

    def _new_secret(self, prefix: str, size: int = 48) -> str:
        return prefix + secrets.token_urlsafe(size)

    def _access(self, token: str | None, channel: str) -> AccessRecord | None:
        """The access token's record while it is valid for `channel`: an Ads token is no
        SP-API token, and none outlives its hour on the sandbox clock."""
        if not token:
            return None
        with self._lock:
            record = self.access_tokens.get(token)
        if record is None or record.channel != channel or record.expires_at <= self.now():
            return None
        return record

    # ------------------------------------------------------------------ SP-API calls

    def sp_call(
        self, access_token: str | None, operation: str
    ) -> tuple[Scenario | None, Reply | None]:
        """Authorization, selling plan and the usage plan, in that order (AMAZON.md:
        429 `QuotaExceeded`, never with `x-amzn-RateLimit-Limit`)."""
        record = self._access(access_token, SP_API)
        if record is None:
            return None, sp_error(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided is revoked, malformed or invalid.",
            )
        scenario = self.scenarios[record.scenario]
        if scenario.individual_plan:
            # Amazon serves SP-API apps to Professional sellers only; the sandbox answers the
            # Individual-plan seller's calls with a 403 whose details name the plan, which the
            # adapter maps to PROFESSIONAL_SELLING_PLAN_REQUIRED.
            return None, sp_error(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The selling partner is on the Individual selling plan; the Selling Partner API "
                "requires the Professional selling plan.",
            )
        refusal = self.forbidden_fault(scenario, operation)
        if refusal is not None:
            return None, refusal
        if not self.take_token(scenario.selling_partner_id, operation):
            return None, sp_error(
                429, "QuotaExceeded", "You exceeded your quota for the requested resource."
            )
        return scenario, None

    def forbidden_fault(self, scenario: Scenario, operation: str) -> Reply | None:
        """An injected 403 for this account and operation (faults.py overrides it)."""
        return None

    def rate_plan(self, operation: str) -> RatePlan:
        return RATE_PLANS[operation]

    def take_token(self, partner: str, operation: str) -> bool:
        plan = self.rate_plan(operation)
        with self._lock:
            now = self.seconds()
            key = (partner, operation)
            bucket = self.buckets.get(key)
            if bucket is None:
                bucket = self.buckets[key] = TokenBucket.full(plan, now)
            taken = bucket.try_take(now)
            self.counters[f"{operation}:{'ok' if taken else 'throttled'}"] += 1
            return taken

    def rate_header(self, operation: str) -> dict[str, str]:
        return {"x-amzn-RateLimit-Limit": f"{self.rate_plan(operation).rate:g}"}
