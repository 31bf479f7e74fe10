"""Webhook signing secrets are stored encrypted (they are needed again to sign, so they
cannot be hashed): neither the current nor the rotated-out secret appears in a dump of the
database, in any encoding, nor in the log of a flow that creates, rotates and uses them."""

from __future__ import annotations

import logging

import pytest

from adapters.persistence import SqlDatabase
from domain.secret import Secret
from domain.webhooks import WebhookEndpoint
from tests.contract.persistence.builders import NOW, team
from tests.integration.persistence.test_sql_canary_scan import _dump, _forms

CURRENT = "whsec_Q0FOQVJZLWN1cnJlbnQtd2ViaG9vay1zZWNyZXQ="
ROTATED = "whsec_Q0FOQVJZLXJvdGF0ZWQtd2ViaG9vay1zZWNyZXQ="


def _add_endpoint(sql_db: SqlDatabase, secret: str) -> None:
    """Team team_1's endpoint whk_1 signing with `secret`, added as the use case adds it."""
    with sql_db.unit_of_work() as uow:
        uow.teams.add(team())
        uow.webhooks.add(
            WebhookEndpoint.create(
                id="whk_1",
                team_id="team_1",
                url="https://example.com/hook",
                event_types=["*"],
                secret=Secret(secret),
                description="",
                at=NOW,
                actor="user:owner",
            )
        )
        uow.commit()


def test_webhook_secrets_never_appear_in_the_database_or_the_log(
    sql_db: SqlDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _add_endpoint(sql_db, ROTATED)
    with sql_db.unit_of_work() as uow:
        endpoint = uow.webhooks.get("whk_1", for_update=True)
        endpoint.rotate(Secret(CURRENT), at=NOW, actor="user:owner")
        uow.webhooks.update(endpoint)
        uow.commit()
    with sql_db.unit_of_work() as uow:
        again = uow.webhooks.get("whk_1")
        assert [s.reveal() for s in again.signing_secrets(NOW)] == [CURRENT, ROTATED]
    dump = _dump(sql_db)
    for secret in (CURRENT, ROTATED):
        assert not any(form in dump for form in _forms(secret)), "a secret is stored readable"
        assert secret not in caplog.text


def test_key_rotation_reseals_webhook_secrets(sql_db: SqlDatabase) -> None:
    from adapters.persistence import rotate_keys
    from tests.integration.persistence.conftest import same_database

    _add_endpoint(sql_db, CURRENT)
    rotated = same_database(sql_db, keyring=sql_db.keyring.with_new_key("k2"))
    try:
        rotate_keys(rotated, 10, lambda _: None)
        with rotated.engine.connect() as connection:
            from sqlalchemy import text

            ids = connection.execute(text("SELECT secret_key_id FROM webhook_endpoints")).scalars()
            assert list(ids) == ["k2"]
        with rotated.unit_of_work() as uow:
            assert uow.webhooks.get("whk_1").secret.reveal() == CURRENT
    finally:
        rotated.dispose()
