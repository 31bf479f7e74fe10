"""Steps for listing updates (seed 003): the product sends quantities and prices, the worker
sends batches, and what the (in-process) Amazon sandbox now shows. Every step goes through
the use cases
(application/listing_updates.py); the rules live in the domain."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from pytest_bdd import given, parsers, then, when

from adapters.amazon.sandbox.in_process import ShownListing
from application.listing_updates import ListingRow, SubmitListingsCommand, SubmitListingsResult
from features.steps.common import admin, role
from tests.world import World

US = "ATVPDKIKX0DER"


def send(world: World, rows: list[ListingRow]) -> SubmitListingsResult:
    result = world.app.submit_listings(
        SubmitListingsCommand(admin(world), world.connection_id, US, rows)
    )
    world.notes["submitted"] = result
    return result


def table_rows(datatable: list[list[str]]) -> list[ListingRow]:
    header, *rows = datatable
    assert header[:3] == ["sku", "available", "price"], header
    return [
        ListingRow(row[0], row[1], row[2], row[3] if len(header) > 3 else "USD") for row in rows
    ]


def batch_window_passes(world: World) -> None:
    window = world.app.get_listing_settings(world.actor(), world.connection_id).batch_window
    world.clock.advance(window)
    world.app.flush_listings()


def shown(world: World, sku: str) -> ShownListing | None:
    return world.amazon.listing("us-seller", "US", sku)


# --------------------------------------------------------------------------- the product


@when(parsers.parse('the product sends "{sku}" with {available:d} units at {price} USD'))
def _send_one(world: World, sku: str, available: int, price: str) -> None:
    send(world, [ListingRow(sku, available, price, "USD")])


@when("the product sends these listings:")
def _send_table(world: World, datatable: list[list[str]]) -> None:
    send(world, table_rows(datatable))


@when(parsers.parse("the product sends {count:d} products with {available:d} units at {price} USD"))
def _send_many(world: World, count: int, available: int, price: str) -> None:
    skus = [f"BULK-{i:05d}" for i in range(count)]
    world.notes["bulk"] = skus
    send(world, [ListingRow(sku, available, price, "USD") for sku in skus])


@given(parsers.parse('"{sku}" with {available:d} units at {price} USD is already on Amazon'))
def _already_one(world: World, sku: str, available: int, price: str) -> None:
    send(world, [ListingRow(sku, available, price, "USD")])
    batch_window_passes(world)
    assert shown(world, sku) is not None


@given("these listings are already on Amazon:")
def _already_table(world: World, datatable: list[list[str]]) -> None:
    rows = table_rows(datatable)
    send(world, rows)
    batch_window_passes(world)
    assert all(shown(world, str(r.sku)) is not None for r in rows)


@given(
    parsers.parse(
        'a product already listed on Amazon: "{sku}" with {available:d} units at {price} USD'
    )
)
def _already_listed(world: World, sku: str, available: int, price: str) -> None:
    _already_one(world, sku, available, price)
    listed = shown(world, sku)
    assert listed is not None
    assert listed.quantity == available
    world.notes["product"] = sku


@when(
    parsers.parse(
        'its price falls under the minimum price: the product sends "{sku}" with '
        "{available:d} units at {price} USD"
    )
)
def _price_falls(world: World, sku: str, available: int, price: str) -> None:
    minimum = world.listing_settings().minimum_price
    assert minimum is not None
    assert Decimal(price) < minimum.amount
    send(world, [ListingRow(sku, available, price, "USD")])


# --------------------------------------------------------------------------- settings


@given(parsers.parse("the Minimum Price Threshold is {amount} USD and pricing is {state}"))
def _minimum_and_pricing(world: World, amount: str, state: str) -> None:
    assert state in ("enabled", "disabled")
    world.set_listing_settings(
        minimum_price=Decimal(amount), pricing_enabled=state == "enabled", actor=admin(world)
    )


@when(parsers.parse("a team {who} raises the minimum price to {amount} USD"))
def _raise_minimum(world: World, who: str, amount: str) -> None:
    current = world.listing_settings()
    world.set_listing_settings(
        buffer=current.inventory_buffer,
        ceiling=current.inventory_ceiling,
        minimum_price=Decimal(amount),
        pricing_enabled=current.pricing_enabled,
        actor=world.actor(role(who)),
    )


# --------------------------------------------------------------------------- time and Amazon


@when("the batch window passes")
def _window_passes(world: World) -> None:
    batch_window_passes(world)


@when("the listing worker runs")
def _worker_runs(world: World) -> None:
    world.app.flush_listings()


@when("the Selling Partner API authorization runs out")
def _authorization_runs_out(world: World) -> None:
    """AMAZON.md: a public app's authorization ends 365 days after consent."""
    world.clock.advance(timedelta(days=366))
    world.sweep_tokens()


@given(parsers.parse('Amazon refuses "{sku}" with "{message}"'))
def _amazon_refuses(world: World, sku: str, message: str) -> None:
    world.amazon.refused_skus[sku] = message


# --------------------------------------------------------------------------- what Amazon shows


@then(parsers.parse('Amazon shows {quantity:d} units of "{sku}" at {price} USD'))
def _shows_with_price(world: World, quantity: int, sku: str, price: str) -> None:
    assert shown(world, sku) == ShownListing(quantity, price, "USD")


@then(parsers.parse('Amazon shows {quantity:d} units of "{sku}" with no price'))
def _shows_without_price(world: World, quantity: int, sku: str) -> None:
    assert shown(world, sku) == ShownListing(quantity, None, None)


@then(parsers.parse('Amazon shows {quantity:d} units of "{sku}"'))
def _shows(world: World, quantity: int, sku: str) -> None:
    listing = shown(world, sku)
    assert listing is not None, f"Amazon does not show {sku}"
    assert listing.quantity == quantity


def out_of_stock_after_the_next_batch(world: World, sku: str) -> None:
    """Still in stock until the batch window passes; then quantity 0, sent with no price (the
    price Amazon shows is left as it was)."""
    before = shown(world, sku)
    assert before is not None, f"Amazon does not show {sku}"
    assert before.quantity, f"{sku} is not in stock on Amazon yet"
    batch_window_passes(world)
    after = shown(world, sku)
    assert after == ShownListing(0, before.price_amount, before.price_currency)
    last = [u for u in world.amazon.sent_listings if u.sku == sku][-1]
    assert (last.quantity, last.price_amount) == (0, None)


@then("Amazon shows it out of stock after the next batch")
def _it_out_of_stock(world: World) -> None:
    sku = world.note("product", str)
    out_of_stock_after_the_next_batch(world, sku)


@then(parsers.parse('Amazon shows "{sku}" out of stock after the next batch'))
def _out_of_stock(world: World, sku: str) -> None:
    out_of_stock_after_the_next_batch(world, sku)


@then(parsers.parse('Amazon does not show "{sku}"'))
def _does_not_show(world: World, sku: str) -> None:
    assert shown(world, sku) is None
    assert all(u.sku != sku for u in world.amazon.sent_listings)


@then(parsers.re(r'Amazon received "(?P<sku>[^"]+)" (?P<times>\d+) times?'))
def _received_times(world: World, sku: str, times: str) -> None:
    assert Counter(u.sku for u in world.amazon.sent_listings)[sku] == int(times)


@then(parsers.re(r"Amazon received them in (?P<count>\d+) listings feeds?"))
def _received_in_feeds(world: World, count: str) -> None:
    assert len(world.amazon.feeds) == int(count)
    assert world.amazon.patch_requests == 0


@then(parsers.parse("Amazon shows {quantity:d} units of each of them"))
def _shows_each(world: World, quantity: int) -> None:
    skus = world.note("bulk", list)
    assert [getattr(shown(world, s), "quantity", None) for s in skus] == [quantity] * len(skus)
    assert len(world.amazon.sent_listings) == len(skus)


# --------------------------------------------------------------------------- explanations


@then(parsers.parse('"{sku}" is explained as "{text}"'))
def _explained(world: World, sku: str, text: str) -> None:
    [explained] = world.app.explain_sku(world.actor(), world.connection_id, sku)
    assert explained.status_text == text
    [support] = world.app.explain_sku.for_support(world.connection_id, sku)
    assert support == explained


@then(parsers.parse("row {row:d} is refused for its {field}"))
def _row_refused(world: World, row: int, field: str) -> None:
    result = world.note("submitted", SubmitListingsResult)
    assert (row, field) in [(e.row, e.field) for e in result.errors], result.errors


@then(parsers.parse("{count:d} rows are kept"))
def _rows_kept(world: World, count: int) -> None:
    result = world.note("submitted", SubmitListingsResult)
    assert result.accepted == count
