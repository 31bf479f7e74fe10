"""Steps of truth.feature: states that say why they wait, refusals explained, vendors."""

from __future__ import annotations

import attrs
from pytest_bdd import parsers, then, when

from application.app import Application
from application.context import REQUEST_ID
from application.repositories import EventLogQuery
from domain.errors import InternalError
from domain.events import EventKind
from domain.grant import Channel
from features.steps.common import role
from tests.fixtures import amazon_refuses
from tests.world import SELLER_CENTRAL_ONLY, BrokenProfiles, World


@when(parsers.parse('a team {who} adds the Selling Partner API as "{account}"'))
def _adds_sp_api(world: World, who: str, account: str) -> None:
    world.connect(
        account, Channel.SP_API, actor=world.actor(role(who)), connection_id=world.connection_id
    )


@when("the seller's user permissions change in Seller Central")
def _permissions_change(world: World) -> None:
    world.notes["permissions_changed_at"] = len(world.amazon.exchanges)
    amazon_refuses(world.amazon, "permission_missing", account=str(world.notes["account"]))


@then("Amazon was asked for the orders once since the permissions changed")
def _orders_once(world: World) -> None:
    since = int(str(world.notes["permissions_changed_at"]))
    asked = [e for e in world.amazon.exchanges[since:] if e.operation == "getOrders"]
    assert len(asked) == 1, [e.status for e in asked]


@then("the Selling Partner API was never asked for a seller's data")
def _no_seller_calls(world: World) -> None:
    asked = [e.operation for e in world.amazon.exchanges if e.operation in SELLER_CENTRAL_ONLY]
    assert not asked, asked
    assert not [e for e in world.amazon.exchanges if e.status in (401, 403)]


@then(parsers.parse('both authorizations show "{text}"'))
def _both_show(world: World, text: str) -> None:
    assert [g.status_text for g in world.view().grants] == [text, text]


@when(
    parsers.parse(
        'a team admin approves as "{account}" and sellerlink fails unexpectedly in request '
        '"{request_id}"'
    )
)
def _fails_unexpectedly(world: World, account: str, request_id: str) -> None:
    """The web adapter serves each request with its id (application.context.REQUEST_ID)
    and answers an unexpected failure with INTERNAL_ERROR and that id."""
    broken = Application(attrs.evolve(world.app.ports, amazon=BrokenProfiles(world.amazon)))
    person = attrs.evolve(world, app=broken)
    started = person.start(Channel.ADS, actor=world.actor(role("admin")))
    serving = REQUEST_ID.set(request_id)
    try:
        person.approve(started, account)
    except RuntimeError:
        world.error = InternalError()
    finally:
        REQUEST_ID.reset(serving)


@then(
    parsers.parse(
        'the timeline of the team records the failed authorization with request id "{request_id}"'
    )
)
def _timeline_has_request(world: World, request_id: str) -> None:
    assert world.team is not None
    with world.app.ports.uow() as uow:
        failed = uow.events.list(
            EventLogQuery(team_id=world.team.id, kinds=[str(EventKind.AUTHORIZATION_FAILED)])
        )
    assert [(e.data.get("code"), e.data.get("request_id")) for e in failed] == [
        ("INTERNAL_ERROR", request_id)
    ]
