"""`sellerlink listing CONNECTION SKU`: why Amazon shows what it shows for one SKU,
the same explanation the web API gives: the product's input, the listing settings, what was
decided ("not sent: price 3.50 is under the minimum 5.00"), when it was sent and Amazon's
answer. Support works across teams, so no team membership is needed."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from adapters.cli import shapes
from adapters.cli.inputs import check_id
from adapters.cli.options import JsonOption, session_of
from application.sku_explanation import SkuExplained, SkuExplanation


def _table(sku: str, e: SkuExplanation) -> Table:
    table = Table(title=f"{sku} in {e.marketplace_id}", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    settings = e.settings
    ceiling = "none" if settings.inventory_ceiling is None else str(settings.inventory_ceiling)
    rows = [
        ("input", f"{e.available} available at {e.price} (received {shapes.iso(e.received_at)})"),
        (
            "settings",
            f"buffer {settings.inventory_buffer}, ceiling {ceiling}, minimum "
            f"{settings.minimum_price or 'none'}, pricing "
            f"{'on' if settings.pricing_enabled else 'off'}",
        ),
        ("decision", e.decision),
        ("status", e.status_text),
        (
            "on Amazon",
            "nothing sent yet"
            if e.sent_at is None
            else f"quantity {e.sent_quantity}, price {e.sent_price or 'not sent'} "
            f"(sent {shapes.iso(e.sent_at)})",
        ),
        (
            "Amazon's answer",
            "none yet"
            if e.amazon_accepted is None
            else ("accepted" if e.amazon_accepted else f"refused: {e.amazon_message}"),
        ),
    ]
    for label, value in rows:
        table.add_row(label, value)
    return table


def listing(
    ctx: typer.Context,
    connection_id: Annotated[str, typer.Argument(metavar="CONNECTION", help="Connection id.")],
    sku: Annotated[str, typer.Argument(metavar="SKU", help="The seller's SKU.")],
    marketplace: Annotated[
        str | None,
        typer.Option("--marketplace", metavar="ID", help="Only this marketplace id."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Why Amazon shows what it shows for one SKU: input, settings, decision, when it was
    sent and Amazon's answer, per marketplace."""
    session = session_of(ctx)
    with session.reporting(as_json=as_json):
        check_id(connection_id, "connection")
        found = session.app.explain_sku.for_support(connection_id, sku, marketplace)
        if as_json:
            session.emit_json(shapes.data(SkuExplained(connection_id, sku, tuple(found))))
        else:
            session.show(*(_table(sku, e) for e in found))
