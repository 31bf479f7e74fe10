"""Steps for choosing marketplaces, their setup, Retry and escalation (seeds 000, 001)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from domain.marketplace import MarketplaceState
from features.steps.common import admin, role, succeeded
from tests.world import World

# How many setup passes of the background worker take a selected marketplace to a label.
WORKER_PASSES = {"Setting up...": 0, "Syncing...": 1, "Ready": 2}


def countries(text: str) -> list[str]:
    return [c.strip() for c in text.split(",")]


@given(parsers.parse("they selected the {country} marketplace"))
def _selected(world: World, country: str) -> None:
    world.select_marketplace(country, actor=admin(world))


@given(parsers.parse("the {country} marketplace is Ready"))
def _ready(world: World, country: str) -> None:
    world.select_marketplace(country, actor=admin(world))
    world.run_setup(passes=2)
    assert world.marketplace(country).label == "Ready"


@given(parsers.parse('the {country} marketplace is "{label}"'))
def _is_label(world: World, country: str, label: str) -> None:
    world.select_marketplace(country, actor=admin(world))
    world.run_setup(passes=WORKER_PASSES[label])
    assert world.marketplace(country).label == label


@given(parsers.parse('the {country} marketplace reached "{label}" and was then deselected'))
def _reached(world: World, country: str, label: str) -> None:
    world.select_marketplace(country, actor=admin(world))
    world.run_setup(passes=WORKER_PASSES[label])
    world.update_marketplace(country, selected=False, actor=admin(world))
    reached = world.marketplace(country)
    assert reached.label == label
    assert not reached.selected


@given(parsers.parse("the {country} marketplace has failed its setup"))
def _failed(world: World, country: str) -> None:
    world.select_marketplace(country, actor=admin(world))
    world.run_setup()
    assert world.marketplace(country).state is MarketplaceState.FAILED


@given(parsers.parse("the {country} marketplace has been escalated after using all its retries"))
def _escalated(world: World, country: str) -> None:
    world.select_marketplace(country, actor=admin(world))
    world.run_setup()
    while world.marketplace(country).state is MarketplaceState.FAILED:
        world.attempt(world.retry_marketplace, country, admin(world))
        world.run_setup()
    assert world.marketplace(country).state is MarketplaceState.ESCALATED


@when(parsers.parse("they select the {country} marketplace"))
def _select(world: World, country: str) -> None:
    world.attempt(world.select_marketplace, country, admin(world))


@when(parsers.parse("a team {who} selects the {country} marketplace"))
def _role_selects(world: World, who: str, country: str) -> None:
    world.attempt(world.select_marketplace, country, world.actor(role(who)))


@when(parsers.parse("they set the {country} marketplace Active"))
def _set_active(world: World, country: str) -> None:
    world.attempt(world.update_marketplace, country, active=True, actor=admin(world))


@when(parsers.parse("they click Retry on the {country} marketplace"))
def _retry(world: World, country: str) -> None:
    world.attempt(world.retry_marketplace, country, admin(world))


@when(
    parsers.parse(
        "they click Retry on the {country} marketplace and it fails again, {times:d} times"
    )
)
def _retry_and_fail(world: World, country: str, times: int) -> None:
    for _ in range(times):
        world.retry_marketplace(country, admin(world))
        world.run_setup()
        assert world.marketplace(country).state is MarketplaceState.FAILED


@when("the background worker runs")
def _worker_runs(world: World) -> None:
    world.run_setup()


@when(parsers.parse("the background worker runs {times:d} times"))
def _worker_runs_times(world: World, times: int) -> None:
    world.run_setup(passes=times)


@then(parsers.parse('the {country} marketplace shows "{label}"'))
def _shows(world: World, country: str, label: str) -> None:
    assert world.marketplace(country).label == label


@then(parsers.parse('the {names} marketplaces show "{label}"'))
def _all_show(world: World, names: str, label: str) -> None:
    assert [world.marketplace(c).label for c in countries(names)] == [label] * len(countries(names))


@then(parsers.parse("the {country} marketplace cannot be selected"))
def _not_selectable(world: World, country: str) -> None:
    marketplace = world.marketplace(country)
    assert not marketplace.selectable
    assert marketplace.reason


@then(parsers.parse('the {country} marketplace explains "{text}"'))
def _explains(world: World, country: str, text: str) -> None:
    assert text in (world.marketplace(country).reason or "")


@then(parsers.parse("the {country} marketplace is selected"))
def _is_selected(world: World, country: str) -> None:
    succeeded(world)
    assert world.marketplace(country).selected


@then(parsers.parse("the {country} marketplace is selected but not Active"))
def _selected_not_active(world: World, country: str) -> None:
    succeeded(world)
    marketplace = world.marketplace(country)
    assert marketplace.selected
    assert not marketplace.active


@then(parsers.parse("the {country} marketplace is Active"))
def _is_active(world: World, country: str) -> None:
    succeeded(world)
    assert world.marketplace(country).active


@then(parsers.parse("the {country} marketplace has used {used:d} of its {limit:d} retries"))
def _retries_used(world: World, country: str, used: int, limit: int) -> None:
    marketplace = world.marketplace(country)
    assert (marketplace.retries_used, marketplace.retry_limit) == (used, limit)


@then(
    parsers.parse(
        "the {country} marketplace's retry history shows {failures:d} failures, "
        "{retries:d} retries and the escalation"
    )
)
def _retry_history(world: World, country: str, failures: int, retries: int) -> None:
    marketplace = world.marketplace(country)
    history = world.app.marketplace_history(
        admin(world), world.connection_id, marketplace.marketplace_id
    ).retry_history
    assert sum(t.to_state is MarketplaceState.FAILED for t in history) == failures
    assert sum(t.reason == "retry" for t in history) == retries
    assert history[-1].to_state is MarketplaceState.ESCALATED
    # The escalation names the exact marketplace and carries the same history.
    assert world.error is not None
    assert world.error.context["marketplace_id"] == marketplace.marketplace_id
    assert isinstance(world.error.context["history"], list)
    assert len(world.error.context["history"]) == len(history)


@then(parsers.parse("the connection counts {count:d} ready marketplace"))
def _ready_count(world: World, count: int) -> None:
    assert world.view().marketplaces_summary.ready == count
