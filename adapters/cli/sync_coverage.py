"""A marketplace's sync coverage for support (`sellerlink marketplaces sync`): per dataset
how far back and up to when the data is in, the history progress, the last success and the
last error in Amazon's words (DESIGN §12)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.table import Table

from adapters.cli.shapes import iso
from application.sync import DatasetSyncView


def shape(connection_id: str, marketplace_id: str, views: Sequence[DatasetSyncView]) -> Any:
    return {
        "connection_id": connection_id,
        "marketplace_id": marketplace_id,
        "datasets": [
            {
                "dataset": str(v.dataset),
                "covered_from": iso(v.covered_from),
                "covered_until": iso(v.covered_until),
                "history_from": iso(v.history_from),
                "progress_percent": v.progress_percent,
                "last_success_at": iso(v.last_success_at),
                "last_error": (
                    {"code": v.last_error_code, "detail": v.last_error_detail}
                    if v.last_error_code
                    else None
                ),
            }
            for v in views
        ],
    }


def _day(value: Any) -> str:
    text = iso(value)
    return text[:16].replace("T", " ") if text else "-"


def table(marketplace_id: str, views: Sequence[DatasetSyncView]) -> Table:
    found = Table(
        title=f"Sync coverage of {marketplace_id}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
    )
    for column in ("Dataset", "From", "Until", "History", "Last success", "Last error"):
        found.add_column(column, overflow="fold")
    for v in views:
        error = f"{v.last_error_code}: {v.last_error_detail}" if v.last_error_code else ""
        found.add_row(
            str(v.dataset),
            _day(v.covered_from),
            _day(v.covered_until),
            f"{v.progress_percent}%",
            _day(v.last_success_at),
            error,
        )
    if not views:
        found.caption = "No dataset to sync for this account in this marketplace."
    return found
