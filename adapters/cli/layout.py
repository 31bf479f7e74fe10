"""Tables that fit the terminal they are printed on (support reads them at 80 columns and
pipes them).

A `Responsive` renders its table when the table fits the width it is given, and otherwise
the same rows as vertical records: each row's key on its own line (ids are copied into the
next command, so they are never cut or folded), then one `Label  value` line per column,
values wrapping under themselves. The choice is made at print time from the console's
width (the terminal's, or `COLUMNS`, or 80 when piped), so call sites need not know it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import frozen
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

Value = str | Text


@frozen
class Record:
    """One row as a vertical record: its key line, then labelled values."""

    key: Value
    fields: Sequence[tuple[str, Value]]


def records(title: str | None, rows: Iterable[Record], caption: str | None = None) -> Group:
    parts: list[RenderableType] = []
    if title:
        parts.append(Text(title, style="bold"))
    rows = list(rows)
    width = max((len(label) for r in rows for label, _ in r.fields), default=0)
    for i, row in enumerate(rows):
        if i or title:
            parts.append(Text(""))
        key = row.key if isinstance(row.key, Text) else Text(row.key)
        key.stylize("bold")
        parts.append(key)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, min_width=width, style="dim")
        grid.add_column(overflow="fold")
        for label, value in row.fields:
            grid.add_row(label, value)
        parts.append(Padding(grid, (0, 0, 0, 2), expand=False))
    if caption:
        parts.append(Text(caption, style="dim"))
    return Group(*parts)


class Responsive:
    """`wide` when its natural width fits, else `narrow`."""

    def __init__(self, wide: Table, narrow: RenderableType) -> None:
        self.wide = wide
        self.narrow = narrow

    def fits(self, console: Console, width: int) -> bool:
        """The table's natural width (measured without a limit) fits in `width`."""
        unlimited = console.options.update_width(10_000)
        return Measurement.get(console, unlimited, self.wide).maximum <= width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.wide if self.fits(console, options.max_width) else self.narrow
