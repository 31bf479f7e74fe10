"""Column types that keep sellerlink's storage rules in one place.

DESIGN §8 and the ports say every instant is an aware UTC datetime. PostgreSQL stores
`timestamptz` and gives back aware values in the session's zone; SQLite has no date type at
all and SQLAlchemy stores a naive string there. `UtcDateTime` makes both behave the same:
it refuses naive values on the way in (a naive datetime is a bug, not a guess to make) and
always hands back aware UTC values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every back end (`timestamptz` on PostgreSQL, ISO text in UTC
    on SQLite, which sorts and compares correctly because its format is fixed-width)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("sellerlink stores aware datetimes only; got a naive one")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - drivers return datetimes
            raise TypeError(f"expected a datetime from the database, got {type(value)!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
