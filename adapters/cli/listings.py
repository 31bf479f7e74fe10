"""`sellerlink listing CONNECTION SKU`: why Amazon shows what it shows for one SKU,
the same explanation the web API gives: the product's input, the listing settings, what was
decided ("not sent: price 3.50 is under the minimum 5.00"), when it was sent and Amazon's
answer. Support works across teams, so no team membership is needed."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from adapters.cli import shapes
from adapters.cli.inputs import check_id
from adapters.cli.options import JsonOption, session_of
from application.sku_explanation import SkuExplanation
from domain.listing import Money


def _money(value: Money | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"amount": format(value.amount, "f"), "currency": value.currency}


def _shape(e: SkuExplanation) -> dict[str, Any]:
    return {
        "marketplace_id": e.marketplace_id,
        "available": e.available,
        "price": _money(e.price),
        "received_at": shapes.iso(e.received_at),
        "settings": {
            "inventory_buffer": e.inventory_buffer,
            "inventory_ceiling": e.inventory_ceiling,
            "minimum_price": _money(e.minimum_price),
            "pricing_enabled": e.pricing_enabled,
            "batch_window_seconds": int(e.batch_window.total_seconds()),
        },
        "send": e.send,
        "quantity": e.decided_quantity,
        "decided_price": _money(e.decided_price),
        "decision": e.decision,
        "status": str(e.status),
        "status_text": e.status_text,
        "next_batch_at": shapes.iso(e.next_batch_at),
        "sent_quantity": e.sent_quantity,
        "sent_price": _money(e.sent_price),
        "sent_at": shapes.iso(e.sent_at),
        "in_flight": e.in_flight,
        "amazon_accepted": e.amazon_accepted,
        "amazon_message": e.amazon_message,
        "answered_at": shapes.iso(e.answered_at),
    }


def _table(sku: str, e: SkuExplanation) -> Table:
    table = Table(title=f"{sku} in {e.marketplace_id}", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    ceiling = "none" if e.inventory_ceiling is None else str(e.inventory_ceiling)
    rows = [
        ("input", f"{e.available} available at {e.price} (received {shapes.iso(e.received_at)})"),
        (
            "settings",
            f"buffer {e.inventory_buffer}, ceiling {ceiling}, minimum "
            f"{e.minimum_price or 'none'}, pricing {'on' if e.pricing_enabled else 'off'}",
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
            session.emit_json(
                {"connection_id": connection_id, "sku": sku, "items": [_shape(e) for e in found]}
            )
        else:
            session.show(*(_table(sku, e) for e in found))
