"""Steps for the listing settings of seed 003: buffer, ceiling, minimum price, pricing."""

from __future__ import annotations

from decimal import Decimal

from pytest_bdd import given, parsers, then, when

from domain.listing import ListingDecision
from features.steps.common import admin, role, succeeded
from tests.world import World


def ceiling(text: str) -> int | None:
    return None if text == "none" else int(text)


def decisions(world: World) -> dict[str, ListingDecision]:
    found = world.note("decisions", list)
    return {d.sku: d for d in found}


def check(world: World, products: list[tuple[str, int, str]]) -> None:
    world.notes["products"] = products
    world.notes["decisions"] = world.preview(products)


@given(parsers.parse("the listing settings are a buffer of {buffer:d} and a ceiling of {cap}"))
def _settings(world: World, buffer: int, cap: str) -> None:
    world.set_listing_settings(buffer=buffer, ceiling=ceiling(cap), actor=admin(world))


@given(parsers.parse("a Minimum Price Threshold of {amount} USD with pricing disabled"))
def _minimum_price(world: World, amount: str) -> None:
    world.set_listing_settings(
        minimum_price=Decimal(amount), pricing_enabled=False, actor=admin(world)
    )


@given("pricing is disabled")
def _pricing_disabled(world: World) -> None:
    world.set_listing_settings(pricing_enabled=False, actor=admin(world))


@when(parsers.parse("a product with {available:d} units available at {price} USD is checked"))
def _check_one(world: World, available: int, price: str) -> None:
    check(world, [("SKU-1", available, price)])


@when("these products are checked:")
def _check_table(world: World, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    assert header == ["sku", "available", "price"]
    check(world, [(sku, int(available), price) for sku, available, price in rows])


@when("the same products are checked again")
def _check_again(world: World) -> None:
    products = world.note("products", list)
    check(world, products)


@when(parsers.parse("a team {who} raises the buffer to {buffer:d}"))
def _raise_buffer(world: World, who: str, buffer: int) -> None:
    current = world.listing_settings()
    world.attempt(
        world.set_listing_settings,
        buffer=buffer,
        ceiling=current.inventory_ceiling,
        pricing_enabled=current.pricing_enabled,
        actor=world.actor(role(who)),
    )


@when(parsers.parse("a team {who} sets a buffer of {buffer:d}"))
def _set_buffer(world: World, who: str, buffer: int) -> None:
    world.attempt(world.set_listing_settings, buffer=buffer, actor=world.actor(role(who)))


@then(parsers.parse("{shown:d} units are shown on Amazon"))
def _units_shown(world: World, shown: int) -> None:
    decision = decisions(world)["SKU-1"]
    assert decision.send
    assert decision.quantity == shown


@then(parsers.re(r"(?P<count>\d+) of them (?:is|are) in stock"))
def _in_stock(world: World, count: str) -> None:
    succeeded(world)
    in_stock = [d for d in decisions(world).values() if d.send and d.quantity]
    assert len(in_stock) == int(count)


@then(parsers.parse('"{sku}" is not sent to Amazon at all'))
def _not_sent(world: World, sku: str) -> None:
    decision = decisions(world)[sku]
    assert not decision.send
    assert decision.quantity is None
    assert decision.price is None
    assert "under the minimum" in decision.explanation


@then(parsers.parse('"{sku}" is sent with quantity {quantity:d} and no price'))
def _sent_without_price(world: World, sku: str, quantity: int) -> None:
    decision = decisions(world)[sku]
    assert decision.send
    assert decision.quantity == quantity
    assert decision.price is None


@then(parsers.parse('"{sku}" is sent with quantity {quantity:d} and price {amount} USD'))
def _sent_with_price(world: World, sku: str, quantity: int, amount: str) -> None:
    decision = decisions(world)[sku]
    assert decision.send
    assert decision.quantity == quantity
    assert decision.price is not None
    assert (decision.price.amount, decision.price.currency) == (Decimal(amount), "USD")


@then(parsers.parse("the listing settings are still a buffer of {buffer:d} and a ceiling of {cap}"))
def _settings_kept(world: World, buffer: int, cap: str) -> None:
    settings = world.listing_settings()
    assert (settings.inventory_buffer, settings.inventory_ceiling) == (buffer, ceiling(cap))
