"""A listing upload as CSV (seed 003's catalogue of quantities and prices): a header row
naming sku, quantity, price and currency (any order, any case, other columns ignored), then
one row per SKU. Values stay text; the use case checks each row and reports errors by row
number, so a short row is kept rather than dropped."""

from __future__ import annotations

import csv
import io

from application.listing_updates import ListingRow
from domain.errors import ValidationFailed

CSV_COLUMNS = ("sku", "quantity", "price", "currency")


def parse_listing_csv(text: str) -> list[ListingRow]:
    """An empty file is an empty submission; a header without the four columns is refused
    as a whole (VALIDATION_FAILED, field `header`)."""
    if not text.strip():
        return []
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ValidationFailed(
            f"The CSV header must name the columns {', '.join(CSV_COLUMNS)}; "
            f"missing: {', '.join(missing)}.",
            context={"field": "header"},
        )
    at = {c: header.index(c) for c in CSV_COLUMNS}
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        values = [cells[at[c]].strip() if at[c] < len(cells) else "" for c in CSV_COLUMNS]
        rows.append(ListingRow(*values))
    return rows
