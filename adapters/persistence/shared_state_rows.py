"""State every process shares and coordinates through: the rate budget's buckets, the
app credentials' alarm, and the leases around Amazon calls."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Double, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from adapters.persistence.rows import Row


class RateBucketRow(Row):
    """One token bucket of the shared rate budget (adapters/persistence/rate_budget.py);
    `key` is app|partner|region|operation, times are seconds on the budget's clock."""

    __tablename__ = "rate_buckets"

    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    rate: Mapped[float] = mapped_column(Double)
    burst: Mapped[int] = mapped_column(Integer)
    tokens: Mapped[float] = mapped_column(Double)
    updated: Mapped[float] = mapped_column(Double)
    anchor_pending: Mapped[bool] = mapped_column(Boolean)


class AppCredentialStateRow(Row):
    """One row per app (channel): the rejected-credentials alarm and its backoff, shared by
    every process (domain/app_credentials.py)."""

    __tablename__ = "app_credential_states"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    rejected_since: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    warned: Mapped[str] = mapped_column(String(400))
    version: Mapped[int] = mapped_column(Integer)


class LeaseRow(Row):
    """A named lease around an Amazon call (application/leases.py): who holds it and until
    when, committed before the call so no transaction stays open across it."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(256), primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(128))
    claimed_until: Mapped[datetime]
