"""The use cases on the SQL back ends: the same container production builds, with the SQL
database in place of the in-memory one, the fake Amazon and a settable clock. A whole
connection's life, then the canary scan of the dump for every token Amazon issued and
every PKCE verifier sellerlink made (DESIGN §7: no plaintext token in the database)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from adapters.persistence import SqlDatabase
from bootstrap.system import TokenSecrets
from domain.connection import Health
from domain.grant import Channel
from tests.integration.persistence.conftest import world_on
from tests.integration.persistence.test_sql_canary_scan import _dump
from tests.world import World


class RecordingSecrets(TokenSecrets):
    """The real generator, remembering the PKCE verifiers it made (the canaries)."""

    def __init__(self) -> None:
        self.verifiers: list[str] = []

    def pkce_verifier(self) -> str:
        verifier = super().pkce_verifier()
        self.verifiers.append(verifier)
        return verifier


@pytest.fixture
def secrets() -> RecordingSecrets:
    return RecordingSecrets()


@pytest.fixture
def sql_world(sql_db: SqlDatabase, secrets: RecordingSecrets) -> Iterator[World]:
    with world_on(sql_db, secrets=secrets) as world:
        yield world


def test_a_connection_lives_its_whole_life_on_sql(sql_world: World) -> None:
    world = sql_world
    world.create_team("Acme")
    result = world.connect_fully("us-seller")
    assert result.connection.health is Health.CONNECTED
    view = world.view()
    assert [g.status_text for g in view.grants] == ["Current", "Current"]
    world.select_marketplace("US")
    world.run_setup(passes=3)
    assert world.marketplace("US").state in ("syncing", "ready")
    world.clock.advance(timedelta(hours=2))
    world.sweep_tokens()
    assert world.view().health is Health.CONNECTED
    world.seller_revokes("us-seller")
    assert world.view().health is Health.RECONNECT_REQUIRED
    world.reconnect("us-seller", Channel.ADS)
    world.reconnect("us-seller", Channel.SP_API)
    assert world.view().health is Health.CONNECTED
    kinds = {str(e.kind) for e in world.events()}
    assert {"connection.created", "token.revoked", "connection.reconnected"} <= kinds


def test_after_a_connection_flow_the_dump_holds_no_token(
    sql_world: World, sql_db: SqlDatabase, secrets: RecordingSecrets
) -> None:
    world = sql_world
    world.create_team("Acme")
    world.connect_fully("multi-profile-seller")
    world.clock.advance(timedelta(hours=2))
    world.sweep_tokens()
    assert secrets.verifiers, "the Ads authorization used PKCE"
    dump = _dump(sql_db)
    assert b"multi-profile" in dump or b"Acme" in dump
    for needle in ("Atzr|", "Atza|", *secrets.verifiers):
        raw = needle.encode()
        assert raw not in dump, needle
        assert raw.hex().encode() not in dump, needle
