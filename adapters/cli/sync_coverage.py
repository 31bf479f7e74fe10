"""A marketplace's sync coverage for support (`sellerlink marketplaces sync`): per dataset
how far back and up to when the data is in, the history progress, the last success and the
last error in Amazon's words (DESIGN §12). `--json` prints the same view through the one
converter (`adapters/formats/views.py`)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from adapters.cli.layout import Record, Responsive, records
from adapters.formats.views import iso
from application.marketplace_views import DatasetSyncView, MarketplaceSyncView

_EMPTY = "No dataset to sync for this account in this marketplace."


def _error(v: DatasetSyncView) -> str:
    if v.last_error is None:
        return ""
    return f"{v.last_error.code}: {v.last_error.detail or ''}".strip()


def table(view: MarketplaceSyncView) -> Responsive:
    title = f"Sync coverage of {view.marketplace_id}"
    wide = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in ("Dataset", "From (UTC)", "Until (UTC)", "History", "Last success"):
        wide.add_column(column, no_wrap=True)
    wide.add_column("Last error", overflow="fold", min_width=12)
    for v in view.datasets:
        wide.add_row(
            str(v.dataset),
            iso(v.covered_from) or "-",
            iso(v.covered_until) or "-",
            f"{v.progress_percent}%",
            iso(v.last_success_at) or "-",
            Text(_error(v), style="red"),
        )
    caption = None if view.datasets else _EMPTY
    wide.caption = caption
    narrow = records(
        title,
        (
            Record(
                Text(f"{v.dataset}  {v.progress_percent}%"),
                [
                    ("From", iso(v.covered_from) or "-"),
                    ("Until", iso(v.covered_until) or "-"),
                    ("Last success", iso(v.last_success_at) or "-"),
                    *([("Last error", _error(v))] if v.last_error else []),
                ],
            )
            for v in view.datasets
        ),
        caption,
    )
    return Responsive(wide, narrow)
