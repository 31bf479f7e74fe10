"""Rules that hold in the code and that only these tests would notice
breaking. Each was checked by removing its guard and watching the test fail."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from application.callback import CallbackCommand
from application.context import Actor
from application.teams import CreateTeamCommand
from domain.errors import DomainError, ErrorCode
from domain.grant import Channel
from domain.team import Plan, TeamKind
from tests.world import World


def _refused(world: World, command: CallbackCommand) -> ErrorCode:
    with pytest.raises(DomainError) as refused:
        world.app.complete_callback(command)
    return refused.value.code


def _command(world: World, query: dict[str, str], caller: Actor | None = None) -> CallbackCommand:
    return CallbackCommand(
        channel=Channel.ADS,
        state=query["state"],
        code=query.get("code"),
        caller=caller,
        browser=world.browser,
    )


def test_a_used_callback_replayed_after_its_ten_minutes_is_still_a_used_state(
    world: World,
) -> None:
    """Guard: AuthorizationRequest.check_usable looks at `consumed_at` before the expiry."""
    world.create_team()
    started = world.start(Channel.ADS)
    query = world.amazon.consent(world.open_consent(started), "us-seller")
    world.app.complete_callback(_command(world, query))
    world.clock.advance(timedelta(minutes=11))

    assert _refused(world, _command(world, query)) is ErrorCode.OAUTH_STATE_INVALID
    assert world.amazon.exchange_calls == 1


def test_the_same_person_finishing_under_another_of_their_teams_is_refused(
    world: World,
) -> None:
    """Guard: check_usable compares the caller's team context with the request's team."""
    acme = world.create_team()
    owner = world.actor()
    other = world.app.create_team(CreateTeamCommand(Actor(owner.user_id), "Other", TeamKind.BRAND))
    started = world.start(Channel.ADS)
    query = world.amazon.consent(world.open_consent(started), "us-seller")

    wrong_context = Actor(owner.user_id, other.id)
    assert _refused(world, _command(world, query, wrong_context)) is ErrorCode.OAUTH_STATE_INVALID
    assert world.amazon.exchange_calls == 0
    assert not world.app.list_connections(Actor(owner.user_id, acme.id))


def test_exactly_two_selectable_profiles_are_not_auto_selected(world: World) -> None:
    """Guard: auto_selected_profile selects only when Amazon returned exactly one profile.
    multi-profile-seller has US, CA and MX; a team with two of them covered still chooses."""
    world.create_team(plan=Plan.PRO)
    scenarios = world.amazon.sandbox.scenarios  # type: ignore[attr-defined]
    two = attrs.evolve(scenarios["multi-profile-seller"], profiles=("US", "CA"))
    scenarios["multi-profile-seller"] = two
    result = world.connect("multi-profile-seller", Channel.ADS)

    profiles = world.app.list_profiles(world.actor(), result.connection.id)
    assert len([p for p in profiles.items if p.selectable]) == 2
    assert profiles.selected_profile_id is None
    assert profiles.auto_selected is False
