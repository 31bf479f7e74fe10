"""A listing upload as CSV (seed 003's catalogue of quantities and prices): a header row
naming sku, quantity, price and currency (any order, any case, other columns ignored), then
one row per SKU. Values stay text; the use case checks each row and reports errors by row
number, so a short row is kept rather than dropped."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from application.listing_updates import ListingRow
from domain.errors import ValidationFailed

CSV_COLUMNS = ("sku", "quantity", "price", "currency")


def parse_listing_csv(text: str) -> list[ListingRow]:
    """An empty file is an empty submission; a header without the four columns is refused
    as a whole (VALIDATION_FAILED, field `header`), and so is a file the CSV reader cannot
    read: a field over the reader's 131,072-character limit or a quote never closed
    (field `body`, with the line; these once answered 500)."""
    if not text.strip():
        return []
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        return _rows(reader)
    except csv.Error as error:
        raise ValidationFailed(
            f"The CSV cannot be read at line {reader.line_num}: {error}. Check the quotes "
            f"and that no value is longer than {csv.field_size_limit():,} characters.",
            context={"field": "body"},
        ) from None


def _rows(reader: Iterator[list[str]]) -> list[ListingRow]:
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
