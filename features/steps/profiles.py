"""Steps for choosing the advertising profile (seed 000) and the warning about a profile
without active campaigns (seed 002)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from application.context import Actor
from application.profiles import ChosenProfile
from application.views import NextStep, ProfileList, ProfileView
from domain.connection import AccountType
from domain.errors import CATALOGUE, ErrorCode
from domain.grant import Channel
from features.steps.common import admin, role, succeeded
from tests.world import World


def profiles(world: World) -> ProfileList:
    return world.app.list_profiles(admin(world), world.connection_id)


def profile(world: World, country: str) -> ProfileView:
    found = [p for p in profiles(world).items if p.country_code == country]
    assert len(found) == 1, f"expected one {country} profile"
    return found[0]


# The sandbox's scenario accounts (API.md), described the way a support agent would.
ACCOUNTS_BY_PROFILES = {"one": "us-seller", "three": "multi-profile-seller"}


def connect_noting_warnings(world: World, account: str, actor: Actor) -> None:
    """Ads, then SP-API for a seller, like World.connect_fully, keeping what each callback
    warned about: the Ads callback is the one that selects a profile."""
    ads = world.connect(account, Channel.ADS, actor=actor)
    warnings = list(ads.warnings)
    if ads.connection.account_type is AccountType.SELLER:
        sp = world.connect(account, Channel.SP_API, actor=actor, connection_id=ads.connection.id)
        warnings.extend(sp.warnings)
    world.notes["warnings"] = tuple(warnings)


@when(parsers.parse("a team {who} connects a seller account with {count} advertising profile"))
@when(parsers.parse("a team {who} connects a seller account with {count} advertising profiles"))
def _connects_by_profiles(world: World, who: str, count: str) -> None:
    account = ACCOUNTS_BY_PROFILES[count]
    world.attempt(connect_noting_warnings, world, account, world.actor(role(who)))


@when(
    parsers.parse(
        "a team {who} connects a seller account whose advertising profile has no active campaigns"
    )
)
def _connects_without_campaigns(world: World, who: str) -> None:
    world.attempt(connect_noting_warnings, world, "no-campaigns-seller", world.actor(role(who)))


@given(parsers.parse("the {country} profile has no active campaigns"))
def _profile_without_campaigns(world: World, country: str) -> None:
    world.amazon.profiles_without_campaigns.add(profile(world, country).profile_id)


@then("they are asked to choose a profile")
def _asked_to_choose(world: World) -> None:
    succeeded(world)
    assert world.result is not None
    assert world.result.next is NextStep.CHOOSE_PROFILE
    assert world.view().profile is None
    assert profiles(world).selected_profile_id is None


@then("the profile was selected for them automatically")
def _auto_selected(world: World) -> None:
    succeeded(world)
    listing = profiles(world)
    assert listing.auto_selected
    assert listing.selected_profile_id is not None
    assert world.view().profile_auto_selected


@then("the profile was chosen by them, not automatically")
def _chosen_explicitly(world: World) -> None:
    listing = profiles(world)
    assert listing.selected_profile_id is not None
    assert not listing.auto_selected


@then(parsers.parse("the profiles offered are {countries}"))
def _profiles_offered(world: World, countries: str) -> None:
    offered = [p.country_code for p in profiles(world).items]
    assert offered == [c.strip() for c in countries.split(",")]


def warnings(world: World) -> tuple[ErrorCode, ...]:
    """What the last connect or choice warned about (kept by the When steps above)."""
    noted = world.note("warnings", tuple)
    return noted


def choose(world: World, profile_id: str) -> None:
    chosen = world.attempt(world.app.choose_profile, admin(world), world.connection_id, profile_id)
    if isinstance(chosen, ChosenProfile):
        world.notes["warnings"] = chosen.warnings


@when(parsers.parse("they choose the {country} profile"))
def _choose_country(world: World, country: str) -> None:
    choose(world, profile(world, country).profile_id)


@when(parsers.parse('they choose the profile "{profile_id}"'))
def _choose_id(world: World, profile_id: str) -> None:
    choose(world, profile_id)


@then(
    "they are warned that the profile has no active campaigns and that data may take up to "
    "24 hours to appear"
)
def _warned_no_campaigns(world: World) -> None:
    succeeded(world)
    assert ErrorCode.NO_ACTIVE_CAMPAIGNS in warnings(world)
    spec = CATALOGUE[ErrorCode.NO_ACTIVE_CAMPAIGNS]
    assert spec.warning
    assert "no active campaigns" in spec.message
    assert any("up to 24 hours to appear" in step for step in spec.remediation)


@then("they are not warned about active campaigns")
def _not_warned_no_campaigns(world: World) -> None:
    succeeded(world)
    assert ErrorCode.NO_ACTIVE_CAMPAIGNS not in warnings(world)


@then(parsers.parse("the selected profile is the {country} profile"))
def _selected(world: World, country: str) -> None:
    succeeded(world)
    selected = world.view().profile
    assert selected is not None
    assert selected.country_code == country
    assert profile(world, country).selected


@then(parsers.parse('the {country} profile is shown as "{reason}"'))
def _shown_as(world: World, country: str, reason: str) -> None:
    item = profile(world, country)
    assert not item.selectable
    assert item.reason == reason


@then(parsers.parse("the {country} profile can be selected"))
def _can_select(world: World, country: str) -> None:
    item = profile(world, country)
    assert item.selectable
    assert item.reason is None


@when("they refresh the account context")
def _refresh(world: World) -> None:
    world.attempt(world.app.refresh_account, admin(world), world.connection_id)
