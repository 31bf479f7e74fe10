"""The proxy's use case (DESIGN §9, §11): an access token Amazon rejects is refreshed once
and the call retried once; any other refusal is diagnosed with its code, never retried."""

from __future__ import annotations

import pytest

from application.amazon_access import PassThroughCommand
from application.api_keys import CreateApiKeyCommand
from application.context import Actor
from domain.errors import ErrorCode
from domain.grant import Channel
from tests.world import World

DENIED = "Access to requested resource is denied."


@pytest.fixture
def key(world: World) -> Actor:
    world.create_team("Acme")
    world.connect_fully("us-seller")
    issued = world.app.create_api_key(
        CreateApiKeyCommand(world.actor(), "product", ["amazon:access"])
    )
    return world.app.authenticate_key(issued.plaintext.reveal())


def _orders(world: World, key: Actor, path: str = "orders/v0/orders") -> PassThroughCommand:
    return PassThroughCommand(
        actor=key,
        connection_id=world.connection_id,
        channel=Channel.SP_API,
        method="GET",
        path=path,
        query="MarketplaceIds=ATVPDKIKX0DER",
        headers={},
        body=b"",
    )


def test_a_rejected_access_token_is_refreshed_once_and_the_call_retried(
    world: World, key: Actor
) -> None:
    world.app.pass_through(_orders(world, key))
    refreshes = world.amazon.refresh_calls
    world.amazon._access.clear()  # Amazon no longer accepts the cached token
    answer = world.app.pass_through(_orders(world, key))
    assert answer.status == 200
    assert world.amazon.refresh_calls == refreshes + 1
    assert len(world.amazon.forwarded) == 3  # first call, the refused one, its one retry


@pytest.mark.parametrize(
    ("details", "code"),
    [
        ("", ErrorCode.APP_ROLE_MISSING),
        ("This operation requires a Restricted Data Token.", ErrorCode.RESTRICTED_DATA),
    ],
)
def test_a_403_with_a_valid_token_is_diagnosed_not_retried(
    world: World, key: Actor, details: str, code: ErrorCode
) -> None:
    path = "orders/v0/orders/902-1845936-5435065/address"
    world.amazon.refusals[path] = (
        403,
        {"errors": [{"code": "Unauthorized", "message": DENIED, "details": details}]},
    )
    refreshes = world.amazon.refresh_calls
    world.attempt(world.app.pass_through, _orders(world, key, path))
    assert world.error is not None
    assert world.error.code is code
    assert world.error.remediation
    assert world.amazon.refresh_calls == refreshes
    assert len(world.amazon.forwarded) == 1
