"""Steps for starting a connection and coming back from Amazon (connect, teams, errors)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from pytest_bdd import given, parsers, then, when

from adapters.amazon.regions import marketplace_id
from application.connect import pkce_challenge
from application.context import Actor
from domain.authorization import AuthorizationStatus
from domain.connection import Region
from domain.grant import Channel
from domain.team import Role
from features.steps.common import admin, role, succeeded
from tests.world import BROWSER, World, default_region

# --------------------------------------------------------------------------- starting


@given("a signed-in team admin whose session has lost its team context")
def _no_team_context(world: World) -> None:
    world.notes["actor"] = Actor(admin(world).user_id, team_id=None)


@when("they click Connect")
def _they_click_connect(world: World) -> None:
    actor = world.notes["actor"]
    assert isinstance(actor, Actor)
    world.attempt(world.start, Channel.ADS, actor=actor)


@when("they choose their team again and retry connect")
def _retry_with_team(world: World) -> None:
    world.started = None
    world.attempt(world.start, Channel.ADS, actor=admin(world))


@when(parsers.parse("a team {who} clicks Connect"))
def _team_role_clicks_connect(world: World, who: str) -> None:
    world.started = None
    world.attempt(world.start, Channel.ADS, actor=world.actor(role(who)))


@then("they are sent to an Amazon-hosted page to authorize")
def _sent_to_amazon(world: World) -> None:
    succeeded(world)
    assert world.started is not None
    url = urlsplit(world.open_consent(world.started))
    assert url.scheme == "https"
    assert url.hostname is not None
    assert "amazon" in url.hostname.split(".")
    assert parse_qs(url.query)["state"] == [world.started.state]


@then("they can review the Amazon permissions requested before continuing")
def _scopes_shown(world: World) -> None:
    succeeded(world)
    assert world.started is not None
    assert world.started.scopes
    assert all(s.name and len(s.description) > 20 for s in world.started.scopes)


@then("the link to Amazon carries no credentials, only the authorization's state")
def _no_credentials_in_link(world: World) -> None:
    assert world.started is not None
    url = world.open_consent(world.started)
    query = parse_qs(urlsplit(url).query)
    assert query["state"] == [world.started.state]
    assert not {"password", "client_secret", "code_verifier", "refresh_token"} & set(query)
    # The PKCE verifier stays on our side: Amazon sees only its S256 challenge.
    with world.app.ports.uow() as uow:
        request = uow.authorizations.get(world.started.state)
    assert request is not None
    assert request.code_verifier is not None
    verifier = request.code_verifier.reveal()
    assert verifier not in url
    assert query["code_challenge"] == [pkce_challenge(verifier)]
    assert query["code_challenge_method"] == ["S256"]


# --------------------------------------------------------------------------- connecting


@when(parsers.parse('a team {who} connects the "{account}" {kind} account'))
def _connects(world: World, who: str, account: str, kind: str) -> None:
    world.attempt(world.connect_fully, account, actor=world.actor(role(who)))


@when(parsers.parse('a team {who} authorizes advertising for the "{account}" {kind} account'))
def _authorizes_ads(world: World, who: str, account: str, kind: str) -> None:
    world.attempt(world.connect, account, Channel.ADS, actor=world.actor(role(who)))


# What the help pages call each channel when a person authorizes it.
CHANNEL_WORDS = {"advertising": Channel.ADS, "the Selling Partner API": Channel.SP_API}


@when(
    parsers.parse(
        'a team {who} authorizes {channel} for the "{account}" account in the {region} region'
    )
)
def _authorizes_in_region(world: World, who: str, channel: str, account: str, region: str) -> None:
    world.attempt(
        world.connect,
        account,
        CHANNEL_WORDS[channel],
        region=Region(region),
        actor=world.actor(role(who)),
    )


@when(
    parsers.parse(
        'a team {who} authorizes the Selling Partner API for the "{account}" account '
        "for the {country} marketplace"
    )
)
def _authorizes_sp_api_for_marketplace(world: World, who: str, account: str, country: str) -> None:
    def connect() -> object:
        started = world.start(
            Channel.SP_API,
            region=default_region(account),
            actor=world.actor(role(who)),
            marketplace_id=marketplace_id(country),
        )
        return world.approve(started, account)

    world.attempt(connect)


@when(
    parsers.parse(
        "a team admin clicks Connect and spends {minutes:d} minutes on Amazon's page "
        'before approving as "{account}"'
    )
)
def _slow_on_amazon(world: World, minutes: int, account: str) -> None:
    started = world.start(Channel.ADS, actor=admin(world))
    consent_page = world.open_consent(started)
    world.clock.advance(timedelta(minutes=minutes))
    query = world.amazon.consent(consent_page, account)
    world.attempt(world.callback, started.channel, query)


@when(
    parsers.parse(
        'a team admin clicks Connect, approves as "{account}" and the browser returns '
        "{minutes:d} minutes later"
    )
)
def _slow_browser(world: World, account: str, minutes: int) -> None:
    started = world.start(Channel.ADS, actor=admin(world))
    world.attempt(world.approve, started, account, wait=timedelta(minutes=minutes))


@when(parsers.parse('a team admin clicks Connect and clicks {button} as "{account}"'))
def _clicks_on_amazon(world: World, button: str, account: str) -> None:
    assert button in ("Approve", "Deny")
    started = world.start(Channel.ADS, actor=admin(world))
    world.attempt(world.approve, started, account, approve=button == "Approve")


@when(
    parsers.parse(
        'a team admin clicks Connect and approves as "{account}" while Amazon is not answering'
    )
)
def _approve_while_amazon_down(world: World, account: str) -> None:
    started = world.start(Channel.ADS, actor=admin(world))
    query = world.amazon.consent(world.open_consent(started), account)
    world.amazon.unavailable = True
    world.attempt(world.callback, started.channel, query)


@when("Amazon sends them back from the Selling Partner API consent without the seller id")
def _callback_without_seller_id(world: World) -> None:
    started = world.start(Channel.SP_API, actor=admin(world))
    query = world.amazon.consent(world.open_consent(started), "us-seller")
    query.pop("selling_partner_id")
    world.attempt(world.callback, started.channel, query)


@when("the last Amazon callback link is opened again")
def _replay_callback(world: World) -> None:
    assert world.last_callback is not None
    channel, query = world.last_callback
    world.attempt(world.callback, channel, query)


@then(parsers.parse("the authorization is reported as failed with {code}"))
def _authorization_failed(world: World, code: str) -> None:
    assert world.started is not None
    status = world.app.authorization_status(admin(world), world.started.state)
    assert status.status is AuthorizationStatus.FAILED
    assert status.error_code == code
    assert status.connection_id is None


# --------------------------------------------------------------------------- teams


@when(parsers.parse('an admin of "{name}" opens the connection'))
def _other_team_opens(world: World, name: str) -> None:
    outsider = world.actor(Role.ADMIN, world.teams[name])
    world.attempt(world.app.get_connection, outsider, world.connection_id)


@when(parsers.parse("a team {who} disconnects the connection"))
def _disconnects(world: World, who: str) -> None:
    world.attempt(world.app.disconnect, world.actor(role(who)), world.connection_id)


# --------------------------------------------------------------------------- browser binding


@when(
    parsers.parse(
        'a team admin clicks Connect and the Amazon page is approved as "{account}" '
        "in another browser"
    )
)
def _approved_elsewhere(world: World, account: str) -> None:
    started = world.start(Channel.ADS, actor=admin(world))
    query = world.amazon.consent(world.open_consent(started), account)
    world.browser = "another-browser-0123456789"
    world.attempt(world.callback, started.channel, query)


@when(parsers.parse('they approve as "{account}" in the browser that started it'))
def _approved_here(world: World, account: str) -> None:
    started = world.started
    assert started is not None
    world.browser = BROWSER
    query = world.amazon.consent(world.open_consent(started), account)
    world.attempt(world.callback, started.channel, query)
