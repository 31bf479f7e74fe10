"""Starting an authorization and completing Amazon's callback, refused where it must be
(DESIGN §2 AuthorizationRequest: state ≥ 256 bits, relative return_to only, 10 minutes,
consumed once, bound to its team and user; AMAZON.md on `state`)."""

from __future__ import annotations

import re
from datetime import timedelta

import attrs
import pytest

from application.app import Application
from application.callback import CallbackCommand
from application.context import Actor
from application.repositories import EventLogQuery
from domain.authorization import AuthorizationStatus
from domain.errors import DomainError, ErrorCode
from domain.events import EventKind
from domain.grant import Channel
from domain.team import Role
from tests.world import BrokenProfiles, World

URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


@pytest.fixture
def team_world(world: World) -> World:
    world.create_team("Acme")
    return world


def code_of(action: object, *args: object, **kwargs: object) -> ErrorCode:
    with pytest.raises(DomainError) as refused:
        action(*args, **kwargs)  # type: ignore[operator]
    return refused.value.code


def callback(world: World, query: dict[str, str], caller: Actor | None = None) -> object:
    return world.app.complete_callback(
        CallbackCommand(
            channel=Channel.ADS,
            state=query["state"],
            code=query.get("code"),
            error=query.get("error"),
            caller=caller,
            browser=world.browser,
        )
    )


def test_state_carries_at_least_256_bits_and_is_url_safe(team_world: World) -> None:
    states = {team_world.start(Channel.ADS).state for _ in range(20)}
    assert len(states) == 20
    for state in states:
        assert URL_SAFE.match(state)
        assert len(state) * 6 >= 256


def test_forged_state_is_refused(team_world: World) -> None:
    forged = {"state": "A" * 43, "code": "code-1"}
    assert code_of(callback, team_world, forged) is ErrorCode.OAUTH_STATE_INVALID
    assert team_world.amazon.exchange_calls == 0


def test_replayed_callback_is_refused_and_acts_once(team_world: World) -> None:
    started = team_world.start(Channel.ADS)
    query = team_world.amazon.consent(team_world.open_consent(started), "us-seller")
    callback(team_world, query)
    assert code_of(callback, team_world, query) is ErrorCode.OAUTH_STATE_INVALID
    assert team_world.amazon.exchange_calls == 1
    assert len(team_world.app.list_connections(team_world.actor())) == 1


def test_callback_from_another_team_is_refused_and_does_not_burn_the_state(
    team_world: World,
) -> None:
    rival = team_world.create_team("Rival")
    started = team_world.start(Channel.ADS)
    query = team_world.amazon.consent(team_world.open_consent(started), "us-seller")
    outsider = team_world.actor(Role.OWNER, rival)
    assert code_of(callback, team_world, query, outsider) is ErrorCode.OAUTH_STATE_INVALID
    assert team_world.app.list_connections(team_world.actor(Role.OWNER, rival)) == []
    # The person who started it can still finish.
    callback(team_world, query, team_world.actor())
    assert len(team_world.app.list_connections(team_world.actor())) == 1


def test_callback_for_another_user_of_the_same_team_is_refused(team_world: World) -> None:
    started = team_world.start(Channel.ADS, actor=team_world.actor(Role.ADMIN))
    query = team_world.amazon.consent(team_world.open_consent(started), "us-seller")
    colleague = team_world.actor(Role.MANAGER)
    assert code_of(callback, team_world, query, colleague) is ErrorCode.OAUTH_STATE_INVALID


def test_state_of_one_amazon_service_is_refused_on_the_other_callback(team_world: World) -> None:
    started = team_world.start(Channel.SP_API)
    query = team_world.amazon.consent(team_world.open_consent(started), "us-seller")
    command = CallbackCommand(
        channel=Channel.ADS, state=query["state"], code="x", browser=team_world.browser
    )
    assert code_of(team_world.app.complete_callback, command) is ErrorCode.OAUTH_STATE_INVALID


def test_authorization_expires_after_ten_minutes(team_world: World) -> None:
    started = team_world.start(Channel.ADS)
    assert started.expires_at - team_world.clock.now() == timedelta(minutes=10)
    team_world.clock.advance(timedelta(minutes=10))
    status = team_world.app.authorization_status(team_world.actor(), started.state)
    assert status.status is AuthorizationStatus.EXPIRED


def test_another_team_cannot_read_an_authorizations_status(team_world: World) -> None:
    rival = team_world.create_team("Rival")
    started = team_world.start(Channel.ADS)
    outsider = team_world.actor(Role.OWNER, rival)
    assert (
        code_of(team_world.app.authorization_status, outsider, started.state) is ErrorCode.NOT_FOUND
    )


@pytest.mark.parametrize(
    "return_to",
    [
        "//evil.com",
        "https://evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "http:/evil.com",
        "javascript:alert(1)",
        "evil.com/settings",
        "/settings\r\nLocation: https://evil.com",
        "/settings\x00",
        "/" + "a" * 2001,
    ],
)
def test_return_to_that_could_leave_the_site_is_refused(team_world: World, return_to: str) -> None:
    refused = code_of(team_world.start, Channel.ADS, return_to=return_to)
    assert refused is ErrorCode.VALIDATION_FAILED


def test_relative_return_to_comes_back_with_the_callback_result(team_world: World) -> None:
    started = team_world.start(Channel.ADS, return_to="/settings/amazon?tab=accounts")
    result = team_world.approve(started, "us-seller")
    assert result.return_to == "/settings/amazon?tab=accounts"


def test_failed_callback_creates_nothing_and_is_recorded(team_world: World) -> None:
    rival = team_world.create_team("Rival")
    team_world.connect_fully("us-seller", actor=team_world.actor(Role.ADMIN, rival))
    started = team_world.start(Channel.ADS)
    assert code_of(team_world.approve, started, "us-seller") is ErrorCode.ACCOUNT_IN_USE

    actor = team_world.actor()
    assert team_world.app.list_connections(actor) == []
    status = team_world.app.authorization_status(actor, started.state)
    assert (status.status, status.error_code) == (AuthorizationStatus.FAILED, "ACCOUNT_IN_USE")
    with team_world.app.ports.uow() as uow:
        events = uow.events.list(EventLogQuery(team_id=actor.team_id))
        owned = [c for c in uow.connections.list_all() if c.team_id == actor.team_id]
        marketplaces = [m for c in owned for m in uow.marketplaces.list_for_connection(c.id)]
    failures = [e for e in events if e.kind is EventKind.AUTHORIZATION_FAILED]
    assert [e.data["code"] for e in failures] == ["ACCOUNT_IN_USE"]
    assert not any(e.kind is EventKind.CONNECTION_CREATED for e in events)
    assert owned == []
    assert marketplaces == []


def test_a_channel_cannot_be_added_with_an_account_connected_elsewhere(
    team_world: World,
) -> None:
    """Regression: naming the connection skipped the ACCOUNT_IN_USE check, so a vendor
    connection could take a seller's Selling Partner API account held by another team."""
    rival = team_world.create_team("Rival")
    team_world.connect("no-ads-seller", Channel.SP_API, actor=team_world.actor(Role.ADMIN, rival))
    vendor = team_world.connect("vendor", Channel.ADS).connection
    refused = code_of(team_world.connect, "no-ads-seller", Channel.SP_API, connection_id=vendor.id)
    assert refused is ErrorCode.ACCOUNT_IN_USE
    view = team_world.app.get_connection(team_world.actor(), vendor.id)
    assert view.selling_partner_id is None
    assert view.grant(Channel.SP_API).status_text == "No token present"


def test_bringing_back_a_disconnected_account_respects_the_connection_limit(
    world: World,
) -> None:
    """Regression: reconnecting a disconnected connection by id skipped the team's limit."""
    world.create_team("Solo", max_connections=1)
    first = world.connect_fully("us-seller").connection.id
    world.app.disconnect(world.actor(), first)
    world.connect_fully("multi-profile-seller")
    refused = code_of(world.connect, "us-seller", Channel.ADS, connection_id=first)
    assert refused is ErrorCode.CONNECTION_LIMIT
    assert len(world.app.list_connections(world.actor())) == 1


def test_a_disconnected_account_can_come_back_when_there_is_room(world: World) -> None:
    world.create_team("Solo", max_connections=1)
    first = world.connect_fully("us-seller").connection.id
    world.app.disconnect(world.actor(), first)
    back = world.connect("us-seller", Channel.ADS, connection_id=first)
    assert back.connection.id == first
    assert back.reconnected


def test_unexpected_failure_during_the_callback_is_recorded_as_failed(world: World) -> None:
    """Regression: only catalogue errors were recorded; anything else left the consumed
    request 'pending' (a polling UI waited for it to expire) with nothing in the timeline."""
    app = Application(attrs.evolve(world.app.ports, amazon=BrokenProfiles(world.amazon)))
    broken = World(app=app, clock=world.clock, amazon=world.amazon)
    broken.create_team("Acme")
    started = broken.start(Channel.ADS)
    with pytest.raises(RuntimeError):
        broken.approve(started, "us-seller")
    actor = broken.actor()
    status = app.authorization_status(actor, started.state)
    assert (status.status, status.error_code) == (AuthorizationStatus.FAILED, "INTERNAL_ERROR")
    assert app.list_connections(actor) == []
    with app.ports.uow() as uow:
        failures = uow.events.list(
            EventLogQuery(team_id=actor.team_id, kinds=[EventKind.AUTHORIZATION_FAILED])
        )
    assert [e.data["code"] for e in failures] == ["INTERNAL_ERROR"]
