"""Injected failures (`POST /sandbox/_admin/faults`): outages, throttling, latency, broken
bodies, 403s of Amazon's own kinds for one account and one operation, and a listings feed
refused as a whole for one account (`feed_fatal`: processing ends FATAL, the report blaming
the feed's first message, as Amazon refuses a whole JSON_LISTINGS_FEED over one message).

A 403 with a valid token is not a stale token (AMAZON.md, 2026-12): the app may lack the
role the operation needs, or the data may be restricted and need a Restricted Data Token.
Amazon answers both with `Unauthorized` / "Access to requested resource is denied."; the
`details` tell them apart in the sandbox (FORBIDDEN_DETAILS), so a classifier can be tested.
"""

from __future__ import annotations

from collections.abc import Mapping

from attrs import define

from adapters.amazon.sandbox.core import SandboxCore
from adapters.amazon.sandbox.replies import Reply, ads_error, sp_error
from adapters.amazon.sandbox.scenarios import Scenario

FAULT_KINDS = frozenset(
    {
        "server_error",
        "throttle",
        "latency",
        "lwa_error",
        "no_error_key",
        "non_json",
        "forbidden",
        "feed_fatal",
    }
)
# Faults that wait for the account's own request rather than hitting a request on its way in.
ACCOUNT_FAULTS = frozenset({"forbidden", "feed_fatal"})
FEED_FATAL_REASON = "The feed was refused as a whole: a message of it is invalid."
FAULT_TARGETS = frozenset({"all", "lwa", "ads", "sp_api"})
ACCESS_DENIED = "Access to requested resource is denied."
# `error` of a `forbidden` fault -> the details Amazon's ErrorList carries.
FORBIDDEN_DETAILS: Mapping[str, str] = {
    "missing_role": "The application is not authorized for this operation: it lacks the "
    "role the operation requires.",
    "restricted_data": "This operation returns restricted data: call it with a Restricted "
    "Data Token from the Tokens API.",
    # Seed 004's "changes to Seller Central or Vendor Central permissions".
    "permission_missing": "The user who authorized the application no longer has the "
    "permission this operation requires.",
    # An access token Amazon no longer takes although sellerlink believed it good (clock
    # skew, an early rotation): one refresh and one retry are the cure.
    "access_token_expired": "The access token you provided has expired.",
}


@define
class Fault:
    """An injected failure. `target`: lwa | ads | sp_api | all; `kind`: server_error,
    throttle, latency, lwa_error, no_error_key, non_json, forbidden, feed_fatal. Applied with
    probability `rate` to at most `count` matching requests (None: unlimited). `account`
    (scenario name or selling partner id) and `operation` (e.g. getOrders) narrow it; a
    `forbidden` fault needs both and an `error` of FORBIDDEN_DETAILS; a `feed_fatal` fault
    needs the account (its `error`, if any, is the report's reason)."""

    kind: str
    target: str = "all"
    status: int | None = None
    error: str | None = None
    latency_seconds: float = 0.0
    rate: float = 1.0
    count: int | None = None
    account: str | None = None
    operation: str | None = None

    def matches(self, family: str, operation: str | None = None) -> bool:
        return (
            self.target in ("all", family)
            and (self.count is None or self.count > 0)
            and (self.operation is None or self.operation == operation)
        )


def validate(fault: Fault) -> None:
    if fault.kind not in FAULT_KINDS or fault.target not in FAULT_TARGETS:
        raise ValueError(f"unknown fault kind or target: {fault.kind}/{fault.target}")
    if not 0.0 <= fault.rate <= 1.0:
        raise ValueError("a fault rate is between 0 and 1")
    if fault.account is not None and fault.kind not in ACCOUNT_FAULTS:
        raise ValueError("only a forbidden or feed_fatal fault is for one account")
    if fault.kind == "feed_fatal" and not fault.account:
        raise ValueError("a feed_fatal fault names an account")
    if fault.kind == "forbidden" and (
        fault.error not in FORBIDDEN_DETAILS or not fault.account or not fault.operation
    ):
        raise ValueError(
            "a forbidden fault names an account, an operation and an error of "
            + ", ".join(sorted(FORBIDDEN_DETAILS))
        )


class FaultsApi(SandboxCore):
    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.faults: list[Fault] = []

    def set_faults(self, faults: list[Fault]) -> None:
        for fault in faults:
            validate(fault)
        with self._lock:
            self.faults = list(faults)

    def pick_fault(self, family: str, operation: str | None = None) -> list[Fault]:
        """The faults that hit this request before it reaches Amazon's logic (latency
        first, then at most one failure). `forbidden` faults apply later, once the access
        token names the account (`forbidden_fault`)."""
        hits: list[Fault] = []
        with self._lock:
            for fault in self.faults:
                if fault.kind in ACCOUNT_FAULTS or not fault.matches(family, operation):
                    continue
                if fault.kind != "latency" and any(h.kind != "latency" for h in hits):
                    continue
                if fault.rate < 1.0 and self.rng.random() >= fault.rate:
                    continue
                if fault.count is not None:
                    fault.count -= 1
                hits.append(fault)
        return sorted(hits, key=lambda f: f.kind != "latency")

    def forbidden_fault(self, scenario: Scenario, operation: str) -> Reply | None:
        with self._lock:
            for fault in self.faults:
                if (
                    fault.kind == "forbidden"
                    and fault.matches("sp_api", operation)
                    and fault.account in (scenario.name, scenario.selling_partner_id)
                ):
                    if fault.count is not None:
                        fault.count -= 1
                    return sp_error(
                        403, "Unauthorized", ACCESS_DENIED, FORBIDDEN_DETAILS[fault.error or ""]
                    )
        return None

    def feed_fault(self, scenario: Scenario) -> str | None:
        """A `feed_fatal` fault for this account's feed being processed now: the reason
        Amazon's report gives (the fault is used up as a request's would be)."""
        with self._lock:
            for fault in self.faults:
                if (
                    fault.kind == "feed_fatal"
                    and fault.matches("sp_api")
                    and fault.account in (scenario.name, scenario.selling_partner_id)
                ):
                    if fault.rate < 1.0 and self.rng.random() >= fault.rate:
                        continue
                    if fault.count is not None:
                        fault.count -= 1
                    return fault.error or FEED_FATAL_REASON
        return None


def fault_reply(fault: Fault, family: str) -> Reply | None:
    """What an injected failure looks like on the wire of each family."""
    if fault.kind == "server_error":
        status = fault.status or (500 if family == "lwa" else 503)
        if family == "lwa":
            error = "temporarily_unavailable" if status == 503 else "server_error"
            return Reply(status, {"error": error, "error_description": "Internal server error"})
        if family == "ads":
            return ads_error(status, "SERVER_IS_BUSY", "Service unavailable")
        return sp_error(
            status, "InternalFailure", "We encountered an internal error. Please try again."
        )
    if fault.kind == "throttle":
        if family == "ads":
            return ads_error(429, "THROTTLED", "Too Many Requests", **{"Retry-After": "1"})
        if family == "lwa":
            return Reply(
                503, {"error": "temporarily_unavailable", "error_description": "Throttled"}
            )
        return sp_error(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")
    if fault.kind == "lwa_error":
        error = fault.error or "server_error"
        return Reply(
            fault.status or 400, {"error": error, "error_description": f"Injected {error}"}
        )
    if fault.kind == "no_error_key":
        return Reply(fault.status or 400, {"message": "Bad Request"})
    if fault.kind == "non_json":
        return Reply(
            fault.status or 200,
            b"<html><body>Service Unavailable</body></html>",
            {"Content-Type": "text/html"},
            kind="raw",
        )
    return None
