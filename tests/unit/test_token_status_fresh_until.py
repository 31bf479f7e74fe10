"""A kept read of a token's status ("expires in 12 days") is good until the instant
`token_status_fresh_until` names, and not a moment longer:
the connection list's kept pages rely on it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from domain.grant import token_status_at, token_status_fresh_until

NOW = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)


def _report(at: datetime, expires_at: datetime) -> tuple[str, str]:
    """What a person reads: the status and its words."""
    report = token_status_at(at, revoked_at=None, has_refresh_token=True, expires_at=expires_at)
    return report.status, report.text


def test_the_status_holds_until_then_and_changes_right_after() -> None:
    rng = random.Random(20)
    offsets = [timedelta(seconds=rng.uniform(-3_600, 400 * 86_400)) for _ in range(400)]
    offsets += [timedelta(days=d, microseconds=m) for d in (1, 7, 29, 30, 31) for m in (-1, 0, 1)]
    offsets += [timedelta(hours=h, microseconds=m) for h in (1, 2, 23) for m in (-1, 0, 1)]
    for offset in offsets:
        expires_at = NOW + offset
        until = token_status_fresh_until(
            NOW, revoked_at=None, has_refresh_token=True, expires_at=expires_at
        )
        if until is None:
            assert expires_at <= NOW, offset  # expired: nothing changes with time any more
            assert _report(NOW + timedelta(days=999), expires_at) == _report(NOW, expires_at)
            continue
        assert until >= NOW, offset  # == NOW on a boundary: good for this instant only
        assert _report(max(NOW, until - TICK), expires_at) == _report(NOW, expires_at), offset
        assert _report(until + TICK, expires_at) != _report(NOW, expires_at), offset


def test_what_time_never_changes_has_no_limit() -> None:
    later = NOW + timedelta(days=10)
    assert (
        token_status_fresh_until(NOW, revoked_at=NOW, has_refresh_token=True, expires_at=later)
        is None
    )
    assert (
        token_status_fresh_until(NOW, revoked_at=None, has_refresh_token=False, expires_at=later)
        is None
    )
    assert (
        token_status_fresh_until(NOW, revoked_at=None, has_refresh_token=True, expires_at=None)
        is None
    )
