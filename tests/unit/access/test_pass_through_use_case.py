"""The proxy's use case (DESIGN §9, §11): an access token Amazon rejects is refreshed once
and the call retried once; any other refusal is diagnosed with its code, never retried."""

from __future__ import annotations

import pytest

from application.amazon_access import PassThroughCommand
from application.api_keys import CreateApiKeyCommand
from application.context import Actor
from domain.errors import ErrorCode
from domain.grant import Channel
from tests.fixtures import amazon_refuses
from tests.world import World


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
    world.app.pass_through(_orders(world, key)).close()
    refreshes = world.amazon.refresh_calls
    sandbox = world.amazon.sandbox  # type: ignore[attr-defined]
    sandbox.access_tokens.clear()  # Amazon no longer accepts the cached token
    answer = world.app.pass_through(_orders(world, key))
    assert answer.status != 403
    assert world.amazon.refresh_calls == refreshes + 1


@pytest.mark.parametrize(
    ("error", "code"),
    [("missing_role", ErrorCode.APP_ROLE_MISSING), ("restricted_data", ErrorCode.RESTRICTED_DATA)],
)
def test_a_403_with_a_valid_token_is_diagnosed_not_retried(
    world: World, key: Actor, error: str, code: ErrorCode
) -> None:
    amazon_refuses(world.amazon, error)
    refreshes = world.amazon.refresh_calls
    world.attempt(world.app.pass_through, _orders(world, key))
    assert world.error is not None
    assert world.error.code is code
    assert world.error.remediation
    assert world.amazon.refresh_calls == refreshes
