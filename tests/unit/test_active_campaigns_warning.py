"""Seed 002's NO_ACTIVE_CAMPAIGNS: a profile without active campaigns is warned about, never
refused, whether it was selected automatically in the callback or chosen by the person;
support finds the warning in the timeline; an Amazon that cannot say leaves no warning."""

from __future__ import annotations

import pytest

from adapters.amazon.sandbox.faults import Fault
from adapters.amazon.sandbox.in_process import InProcessAmazon
from application.profiles import ChosenProfile
from domain.connection import Region
from domain.errors import CATALOGUE, AmazonUnavailable, ErrorCode
from domain.events import AuditEvent, EventKind
from domain.grant import Channel
from domain.secret import Secret
from domain.team import Plan
from tests.world import World

NO_CAMPAIGNS = ErrorCode.NO_ACTIVE_CAMPAIGNS


def warnings_in_timeline(world: World) -> list[AuditEvent]:
    return [e for e in world.events() if e.kind is EventKind.WARNING]


def choose(world: World, country: str) -> ChosenProfile:
    listing = world.app.list_profiles(world.actor(), world.connection_id)
    [item] = [p for p in listing.items if p.country_code == country]
    return world.app.choose_profile(world.actor(), world.connection_id, item.profile_id)


def test_the_catalogue_entry_is_a_warning_about_the_24_hours(world: World) -> None:
    spec = CATALOGUE[NO_CAMPAIGNS]
    assert spec.warning
    assert "24 hours" in " ".join(spec.remediation)


def test_an_auto_selected_profile_without_campaigns_connects_with_the_warning(
    world: World, amazon: InProcessAmazon
) -> None:
    world.create_team()
    result = world.connect("no-campaigns-seller", Channel.ADS)
    assert result.warnings == (NO_CAMPAIGNS,)
    assert result.connection.profile is not None
    assert result.connection.profile_auto_selected
    [event] = warnings_in_timeline(world)
    assert event.data == {
        "code": "NO_ACTIVE_CAMPAIGNS",
        "profile_id": result.connection.profile.profile_id,
    }
    assert "24 hours" in event.summary
    assert amazon.campaign_checks == 1


def test_the_sp_api_half_of_the_connection_completes_after_the_warning(world: World) -> None:
    world.create_team()
    result = world.connect_fully("no-campaigns-seller")
    assert result.connection.selling_partner_id == "A1SBXNOCAMPGN01"
    assert result.warnings == ()  # the SP-API callback selects no profile
    assert len(warnings_in_timeline(world)) == 1


def test_an_auto_selected_profile_with_campaigns_is_not_warned_about(
    world: World, amazon: InProcessAmazon
) -> None:
    world.create_team()
    result = world.connect("us-seller", Channel.ADS)
    assert result.warnings == ()
    assert warnings_in_timeline(world) == []
    assert amazon.campaign_checks == 1


def test_no_check_while_the_person_still_has_to_choose(
    world: World, amazon: InProcessAmazon
) -> None:
    world.create_team(plan=Plan.PRO)
    result = world.connect("multi-profile-seller", Channel.ADS)
    assert result.connection.profile is None
    assert result.warnings == ()
    assert amazon.campaign_checks == 0


def test_reconnecting_keeps_the_selection_and_does_not_warn_again(
    world: World, amazon: InProcessAmazon
) -> None:
    world.create_team()
    world.connect("no-campaigns-seller", Channel.ADS)
    again = world.reconnect("no-campaigns-seller", Channel.ADS)
    assert again.reconnected
    assert again.warnings == ()
    assert len(warnings_in_timeline(world)) == 1


def test_choosing_a_profile_without_campaigns_keeps_the_choice_and_warns(
    world: World, amazon: InProcessAmazon
) -> None:
    world.create_team(plan=Plan.PRO)
    world.connect("multi-profile-seller", Channel.ADS)
    listing = world.app.list_profiles(world.actor(), world.connection_id)
    [ca_item] = [p for p in listing.items if p.country_code == "CA"]
    amazon.profiles_without_campaigns.add(ca_item.profile_id)
    chosen = choose(world, "CA")
    assert chosen.warnings == (NO_CAMPAIGNS,)
    assert chosen.connection.profile is not None
    assert chosen.connection.profile.country_code == "CA"
    selected = world.view().profile
    assert selected is not None
    assert selected.country_code == "CA"
    [event] = warnings_in_timeline(world)
    assert event.data["profile_id"] == ca_item.profile_id


def test_choosing_a_profile_with_campaigns_has_no_warning(
    world: World, amazon: InProcessAmazon
) -> None:
    world.create_team(plan=Plan.PRO)
    world.connect("multi-profile-seller", Channel.ADS)
    chosen = choose(world, "US")
    assert chosen.warnings == ()
    assert amazon.campaign_checks == 1
    assert warnings_in_timeline(world) == []


def test_amazon_that_cannot_say_leaves_no_warning(world: World, amazon: InProcessAmazon) -> None:
    world.create_team()
    # The campaigns list alone is throttled: the adapter answers None on 429s.
    amazon.sandbox.set_faults(
        [Fault("throttle", target="ads", operation="listSponsoredProductsCampaigns")]
    )
    result = world.connect("no-campaigns-seller", Channel.ADS)
    assert result.warnings == ()
    assert result.connection.profile is not None
    assert warnings_in_timeline(world) == []


def test_a_gateway_that_raises_anyway_does_not_fail_the_connection(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: InProcessAmazon, region: Region, token: Secret, profile_id: str) -> bool:
        raise AmazonUnavailable("Amazon answered 503 Service Unavailable.")

    monkeypatch.setattr(InProcessAmazon, "has_active_campaigns", refuse)
    world.create_team()
    result = world.connect("no-campaigns-seller", Channel.ADS)
    assert result.warnings == ()
    assert world.view().profile is not None


def test_choosing_when_amazon_refuses_the_ads_token_still_chooses(
    world: World, amazon: InProcessAmazon
) -> None:
    world.create_team(plan=Plan.PRO)
    world.connect("multi-profile-seller", Channel.ADS)
    amazon.revoke("multi-profile-seller")  # the cached access token is refused as well
    chosen = choose(world, "US")
    assert chosen.warnings == ()
    assert chosen.connection.profile is not None
    assert chosen.connection.profile.country_code == "US"
