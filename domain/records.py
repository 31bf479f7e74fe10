"""Records: the seller's data the product reads (DESIGN §12, API.md "Records").

A record is one of Amazon's objects (an order, a day of one ASIN's sales and traffic, an
inventory summary, a day of one campaign's metrics) kept exactly as Amazon sent it, one per
(team, connection, marketplace, dataset, key). Its `sequence` is the team's change
counter: it is assigned when the record first appears and again only when Amazon's payload
actually changed (compared by hash), so fetching the same day twice changes nothing, and a
product that pages by sequence sees every change once, in order.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime
from enum import StrEnum

from attrs import field, frozen

from domain.errors import ValidationFailed

MAX_PAGE = 1000
DEFAULT_PAGE = 100
DEFAULT_HISTORY_DAYS = 90
MAX_HISTORY_DAYS = 3650
_CURSOR_PREFIX = "r1:"


class Dataset(StrEnum):
    ORDERS = "orders"
    SALES_TRAFFIC = "sales_traffic"
    INVENTORY = "inventory"
    ADS_CAMPAIGNS = "ads_campaigns"


def payload_hash(payload: str | bytes) -> str:
    """What "the payload changed" means: a different hash of Amazon's JSON text (as text,
    or as the UTF-8 bytes it was encoded to: the same hash)."""
    raw = payload.encode() if isinstance(payload, str) else payload
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


@frozen
class IncomingRecord:
    """One object as fetched from Amazon: its key in the dataset, its JSON text unchanged,
    and the instant the data is about (`as_of`: the order's last update, the report's day;
    None for a snapshot such as inventory), which retention goes by."""

    key: str
    payload: str
    as_of: datetime | None = None
    hash: str = field()

    @hash.default
    def _hash(self) -> str:
        return payload_hash(self.payload)


@frozen
class RecordScope:
    """Where a batch of records belongs."""

    team_id: str
    connection_id: str
    marketplace_id: str
    dataset: Dataset


@frozen
class Record:
    team_id: str
    connection_id: str
    marketplace_id: str
    dataset: Dataset
    key: str
    payload: str
    payload_hash: str
    updated_at: datetime
    deleted: bool
    sequence: int
    as_of: datetime | None = None

    @property
    def cursor(self) -> str:
        return encode_cursor(self.sequence)


@frozen
class WriteCounts:
    """What one write did: new records, changed records, records gone (snapshot), and
    records Amazon sent again unchanged (no new sequence)."""

    created: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def updated(self) -> int:
        """Records with a new sequence number: what `records.updated` counts."""
        return self.created + self.changed + self.deleted

    def __add__(self, other: WriteCounts) -> WriteCounts:
        return WriteCounts(
            self.created + other.created,
            self.changed + other.changed,
            self.deleted + other.deleted,
            self.unchanged + other.unchanged,
        )


@frozen
class RecordQuery:
    team_id: str
    after: int = 0
    limit: int = DEFAULT_PAGE
    dataset: Dataset | None = None
    connection_id: str | None = None
    marketplace_id: str | None = None


def encode_cursor(sequence: int) -> str:
    """Opaque to the product, stable (a record's sequence only moves when it changes) and
    resumable: it names a position in the team's change order, nothing else."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{sequence}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError(text)
        sequence = int(text[len(_CURSOR_PREFIX) :])
        if sequence < 0:
            raise ValueError(text)
        return sequence
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed(
            "`after` is not a cursor sellerlink gave out: pass a record's `cursor` or the "
            "page's `next_cursor` unchanged.",
            context={"field": "after"},
        ) from None


def page_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_PAGE
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(
            f"limit must be between 1 and {MAX_PAGE}.", context={"field": "limit"}
        )
    return limit


def validate_history_days(days: int) -> int:
    if not 1 <= days <= MAX_HISTORY_DAYS:
        raise ValidationFailed(
            f"history_days must be between 1 and {MAX_HISTORY_DAYS}.",
            context={"field": "history_days"},
        )
    return days
