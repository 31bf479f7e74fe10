"""Connect sessions and the hosted flow's steps, driven through the application (DESIGN §14,
API.md "Connect sessions")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.connect import AuthorizationStarted
from application.connect_sessions import CreateConnectSessionCommand
from application.hosted import HostedStep
from application.teams import SetMemberRoleCommand
from domain.authorization import browser_digest
from domain.connect_session import ConnectOffer
from domain.connection import AccountType, Region
from domain.errors import DomainError, ErrorCode
from domain.grant import Channel
from domain.team import Role
from tests.world import World, refused

BROWSER = "the-persons-browser-0123456789"
OTHER = "somebody-elses-browser-0123456789"
RETURN = "https://app.example.com/settings/amazon"


def _create(world: World, role: Role = Role.ADMIN, **options: object) -> tuple[str, str]:
    created = world.app.create_connect_session(
        CreateConnectSessionCommand(world.actor(role), ConnectOffer(**options))  # type: ignore[arg-type]
    )
    return created.session_id, created.token


def _open(world: World, **options: object) -> str:
    _, token = _create(world, **options)
    return world.app.open_connect_session(token, BROWSER).session_id


def _authorize_ads(
    world: World, session_id: str, kind: AccountType = AccountType.SELLER, return_to: str = "/x"
) -> AuthorizationStarted | None:
    """The person picks a North America account of `kind` and goes to authorize Amazon Ads."""
    return world.app.hosted.authorize(
        session_id,
        BROWSER,
        channel=Channel.ADS,
        account_type=kind,
        region=Region.NA,
        return_to=return_to,
    )


def _to_amazon_and_back(world: World, started: AuthorizationStarted | None, account: str) -> None:
    assert started is not None, "the flow refused to go to Amazon"
    consent = world.open_consent(started, BROWSER)
    world.browser = BROWSER
    world.callback(started.channel, world.amazon.consent(consent, account))


def test_only_a_role_that_may_connect_creates_a_link(acme: World) -> None:
    assert refused(_create, acme, Role.MEMBER) is ErrorCode.FORBIDDEN_ROLE
    session_id, token = _create(acme, Role.MANAGER)
    with acme.app.ports.uow() as uow:
        stored = uow.connect_sessions.get(session_id)
    assert stored is not None
    assert stored.token_digest == browser_digest(token)
    assert token not in repr(stored)


@pytest.mark.parametrize(
    ("return_to", "accepted"),
    [
        (RETURN, True),
        ("http://localhost:3000/amazon", True),
        ("/demo", True),
        ("http://app.example.com/amazon", False),
        ("javascript:alert(1)", False),
        ("https://user:pw@app.example.com/", False),
        ("//evil.example/", False),
    ],
)
def test_return_to_is_your_apps_https_url_or_a_path_here(
    acme: World, return_to: str, accepted: bool
) -> None:
    if accepted:
        _create(acme, return_to=return_to)
    else:
        assert refused(_create, acme, return_to=return_to) is ErrorCode.VALIDATION_FAILED


def test_the_first_browser_to_open_the_link_owns_it_for_30_minutes(acme: World) -> None:
    session_id, token = _create(acme)
    assert acme.app.open_connect_session(token, BROWSER).session_id == session_id
    assert acme.app.open_connect_session(token, BROWSER).session_id == session_id
    assert refused(acme.app.open_connect_session, token, OTHER) is ErrorCode.OAUTH_STATE_INVALID
    assert refused(acme.app.hosted.view, session_id, OTHER) is ErrorCode.OAUTH_STATE_INVALID
    assert acme.app.hosted.view(session_id, BROWSER).step is HostedStep.CHOOSE_ACCOUNT
    acme.clock.advance(timedelta(minutes=31))
    assert refused(acme.app.hosted.view, session_id, BROWSER) is ErrorCode.SESSION_EXPIRED


def test_a_seller_is_walked_from_account_type_to_ready(acme: World) -> None:
    session_id = _open(acme, return_to=RETURN, regions=("NA",))
    flow = acme.app.hosted
    view = flow.view(session_id, BROWSER)
    assert (view.step, view.channel_to_authorize) == (HostedStep.CHOOSE_ACCOUNT, Channel.ADS)
    assert view.session.regions == (Region.NA,)
    assert view.scopes

    started = _authorize_ads(acme, session_id, return_to=f"/connect/s/{session_id}")
    _to_amazon_and_back(acme, started, "us-seller")
    assert flow.view(session_id, BROWSER).step is HostedStep.AUTHORIZE_SP_API

    started = flow.authorize(session_id, BROWSER, channel=Channel.SP_API, return_to="/x")
    _to_amazon_and_back(acme, started, "us-seller")
    view = flow.view(session_id, BROWSER)
    assert view.step is HostedStep.CHOOSE_MARKETPLACES  # the one profile was chosen for them
    us = next(m for m in view.marketplaces if m.country_code == "US")

    flow.select_marketplaces(session_id, BROWSER, [us.marketplace_id])
    assert flow.view(session_id, BROWSER).step is HostedStep.PROGRESS
    acme.run_setup(passes=5)
    view = flow.view(session_id, BROWSER)
    assert view.step is HostedStep.DONE
    assert view.connection is not None

    end = flow.finish(session_id, BROWSER)
    assert (end.return_to, end.return_origin) == (RETURN, "https://app.example.com")
    assert end.connection_id == view.connection.id
    assert end.error is None


def test_a_region_the_link_does_not_allow_is_refused_inline(acme: World) -> None:
    session_id = _open(acme, regions=("EU",))
    started = _authorize_ads(acme, session_id)
    assert started is None
    assert acme.app.hosted.view(session_id, BROWSER).error is ErrorCode.VALIDATION_FAILED


def test_a_denial_on_amazon_is_shown_inline_and_can_be_tried_again(acme: World) -> None:
    session_id = _open(acme)
    started = _authorize_ads(acme, session_id)
    assert started is not None
    consent = acme.open_consent(started, BROWSER)
    acme.browser = BROWSER
    query = acme.amazon.consent(consent, "us-seller", approve=False)
    with pytest.raises(DomainError):
        acme.callback(Channel.ADS, query)
    view = acme.app.hosted.view(session_id, BROWSER)
    assert (view.step, view.error) == (HostedStep.CHOOSE_ACCOUNT, ErrorCode.AUTHORIZATION_DENIED)


def test_a_vendor_may_skip_vendor_central(acme: World) -> None:
    session_id = _open(acme, account_types=("vendor",))
    flow = acme.app.hosted
    started = _authorize_ads(acme, session_id, AccountType.VENDOR)
    _to_amazon_and_back(acme, started, "vendor")
    assert flow.view(session_id, BROWSER).step is HostedStep.VENDOR_CENTRAL
    flow.skip_vendor_central(session_id, BROWSER)
    assert flow.view(session_id, BROWSER).step is not HostedStep.VENDOR_CENTRAL


def test_a_link_loses_its_power_when_its_creator_loses_the_role(acme: World) -> None:
    session_id = _open(acme, role=Role.MANAGER)
    team = acme.team
    assert team is not None
    acme.app.set_member_role(
        SetMemberRoleCommand(acme.actor(Role.OWNER), team.id, "manager@acme", Role.MEMBER)
    )
    assert refused(acme.app.hosted.view, session_id, BROWSER) is ErrorCode.FORBIDDEN_ROLE
