"""Webhook endpoints (secrets sealed with the keyring) and deliveries with a dispatcher's
committed lease (application/ports.py DeliveryRepository; DESIGN §13)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Select, Table, bindparam, delete, func, or_, select, update

from adapters.persistence import by_name
from adapters.persistence.crypto import Keyring, webhook_secret_aad
from adapters.persistence.repositories.base import SqlRepository, chunks
from adapters.persistence.rows import values_of
from adapters.persistence.webhook_rows import WebhookDeliveryRow, WebhookEndpointRow
from domain.webhooks import Delivery, DeliveryStatus, WebhookEndpoint

_P = WebhookDeliveryRow
_PENDING = DeliveryStatus.PENDING.value


def endpoint_to_row(endpoint: WebhookEndpoint, keyring: Keyring) -> WebhookEndpointRow:
    current = keyring.seal(
        endpoint.secret.reveal(), webhook_secret_aad(endpoint.team_id, endpoint.id, "current")
    )
    previous = keyring.seal_secret(
        endpoint.previous_secret, webhook_secret_aad(endpoint.team_id, endpoint.id, "previous")
    )
    return by_name.row(
        WebhookEndpointRow,
        endpoint,
        secret_ciphertext=current.ciphertext,
        secret_key_id=current.key_id,
        previous_secret_ciphertext=previous.ciphertext if previous else None,
        previous_secret_key_id=previous.key_id if previous else None,
    )


def endpoint_from_row(row: WebhookEndpointRow, keyring: Keyring) -> WebhookEndpoint:
    secret = keyring.open_secret(
        row.secret_key_id,
        row.secret_ciphertext,
        webhook_secret_aad(row.team_id, row.id, "current"),
    )
    assert secret is not None
    return by_name.instance(
        WebhookEndpoint,
        row,
        secret=secret,
        previous_secret=keyring.open_secret(
            row.previous_secret_key_id,
            row.previous_secret_ciphertext,
            webhook_secret_aad(row.team_id, row.id, "previous"),
        ),
    )


def delivery_to_row(d: Delivery) -> WebhookDeliveryRow:
    # `seq` 0 is a delivery not yet numbered; the lease columns are the dispatcher's.
    return by_name.row(
        WebhookDeliveryRow, d, seq=d.seq or None, claimed_by=None, claimed_until=None
    )


def delivery_from_row(row: WebhookDeliveryRow) -> Delivery:
    return by_name.instance(Delivery, row)


class SqlWebhookEndpointRepository(SqlRepository):
    def add(self, endpoint: WebhookEndpoint) -> None:
        self._add(endpoint, endpoint_to_row(endpoint, self._keyring))

    def get(self, endpoint_id: str, *, for_update: bool = False) -> WebhookEndpoint | None:
        return self._one(
            select(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint_id),
            lambda row: endpoint_from_row(row, self._keyring),
            for_update=for_update,
        )

    def update(self, endpoint: WebhookEndpoint) -> None:
        self._write_back(
            endpoint,
            endpoint_to_row(endpoint, self._keyring),
            f"Webhook endpoint {endpoint.id}",
            {"webhook_id": endpoint.id},
        )

    def delete(self, endpoint: WebhookEndpoint) -> None:
        self._uow.watch(endpoint)
        self._uow.prepare_write()
        self._session.execute(delete(_P).where(_P.endpoint_id == endpoint.id))
        self._session.execute(
            delete(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint.id)
        )

    def list_for_team(self, team_id: str) -> list[WebhookEndpoint]:
        return self._load(select(WebhookEndpointRow).where(WebhookEndpointRow.team_id == team_id))

    def list_enabled(self, team_ids: Iterable[str] | None = None) -> list[WebhookEndpoint]:
        statement = select(WebhookEndpointRow).where(WebhookEndpointRow.enabled.is_(True))
        if team_ids is None:
            return self._load(statement)
        found: list[WebhookEndpoint] = []
        for part in chunks(sorted(set(team_ids))):
            found += self._load(statement.where(WebhookEndpointRow.team_id.in_(part)))
        return found

    def _load(self, statement: Select[tuple[WebhookEndpointRow]]) -> list[WebhookEndpoint]:
        rows = self._current(
            statement.order_by(WebhookEndpointRow.created_at, WebhookEndpointRow.id)
        )
        return [self._uow.watch(endpoint_from_row(r, self._keyring)) for r in rows]


class SqlDeliveryRepository(SqlRepository):
    def add_many(self, deliveries: Sequence[Delivery]) -> None:
        # In order, so `seq` follows the log; executemany keeps the order of its rows.
        for part in chunks(list(deliveries)):
            self._insert([delivery_to_row(d) for d in part])

    def get(self, delivery_id: str) -> Delivery | None:
        return self._one(select(_P).where(_P.id == delivery_id), delivery_from_row)

    def update(self, delivery: Delivery) -> None:
        self._uow.prepare_write()
        values = values_of(delivery_to_row(delivery))
        for key in ("seq", "id", "claimed_by", "claimed_until"):
            values.pop(key, None)
        self._session.execute(
            update(_P)
            .where(_P.id == delivery.id)
            .values(values)
            .execution_options(synchronize_session=False)
        )

    def list_for_endpoint(
        self, endpoint_id: str, *, status: DeliveryStatus | None = None, limit: int = 100
    ) -> list[Delivery]:
        statement = select(_P).where(_P.endpoint_id == endpoint_id)
        if status is not None:
            statement = statement.where(_P.status == status.value)
        rows = self._current(statement.order_by(_P.seq.desc()).limit(max(0, limit)))
        return [delivery_from_row(r) for r in rows]

    def _heads(self, endpoint_id: str | None, now: datetime) -> Select[tuple[WebhookDeliveryRow]]:
        """Due, unleased deliveries that head their ordering group, of enabled endpoints."""
        groups = select(_P.endpoint_id, _P.ordering_key, func.min(_P.seq).label("seq")).where(
            _P.status == _PENDING
        )
        if endpoint_id is not None:
            groups = groups.where(_P.endpoint_id == endpoint_id)
        heads = groups.group_by(_P.endpoint_id, _P.ordering_key).subquery()
        enabled = select(WebhookEndpointRow.id).where(WebhookEndpointRow.enabled.is_(True))
        return (
            select(_P)
            .join(heads, _P.seq == heads.c.seq)
            .where(
                _P.next_attempt_at <= now,
                or_(_P.claimed_until.is_(None), _P.claimed_until <= now),
                _P.endpoint_id.in_(enabled),
            )
            .order_by(_P.seq)
        )

    def claim(
        self, *, now: datetime, until: datetime, claimer: str, limit: int, endpoint_id: str
    ) -> list[Delivery]:
        locks = self._uow.lock_rows()
        statement = self._heads(endpoint_id, now).limit(limit)
        if locks:
            statement = statement.with_for_update(of=_P, skip_locked=True)
        rows = list(self._current(statement))
        return self._lease([delivery_from_row(r) for r in rows], until, claimer)

    def claim_one(
        self, delivery_id: str, *, now: datetime, until: datetime, claimer: str
    ) -> Delivery | None:
        locks = self._uow.lock_rows()
        statement = select(_P).where(
            _P.id == delivery_id,
            _P.status == _PENDING,
            or_(_P.claimed_until.is_(None), _P.claimed_until <= now),
        )
        if locks:
            statement = statement.with_for_update(skip_locked=True)
        row = self._current(statement).one_or_none()
        leased = self._lease([delivery_from_row(row)] if row else [], until, claimer)
        return leased[0] if leased else None

    def _lease(self, found: list[Delivery], until: datetime, claimer: str) -> list[Delivery]:
        if found:
            self._uow.prepare_write()
            for part in chunks([d.seq for d in found]):
                self._session.execute(
                    update(_P)
                    .where(_P.seq.in_(part))
                    .values(claimed_by=claimer, claimed_until=until)
                    .execution_options(synchronize_session=False)
                )
        return found

    def finish(self, delivery: Delivery, claimer: str) -> bool:
        self._uow.prepare_write()
        values = {f"v_{k}": getattr(delivery, k) for k in _OUTCOME}
        values["v_status"] = delivery.status.value
        result = self._session.connection().execute(
            _FINISH, {"b_id": delivery.id, "b_claimer": claimer, **values}
        )
        return bool(result.rowcount == 1)

    def endpoints_with_due(self, now: datetime) -> list[str]:
        due = self._heads(None, now).subquery()
        return list(self._session.scalars(select(due.c.endpoint_id).distinct()))

    def next_attempt_at(self) -> datetime | None:
        heads = (
            select(func.min(_P.seq).label("seq"))
            .where(_P.status == _PENDING)
            .group_by(_P.endpoint_id, _P.ordering_key)
            .subquery()
        )
        enabled = select(WebhookEndpointRow.id).where(WebhookEndpointRow.enabled.is_(True))
        earliest = (
            select(func.min(_P.next_attempt_at))
            .join(heads, _P.seq == heads.c.seq)
            .where(_P.endpoint_id.in_(enabled))
        )
        found: datetime | None = self._session.scalar(earliest)
        return found


# What an attempt changes on a delivery. One statement compiled once (Core, not the ORM's
# bulk path): the dispatcher stores thousands of outcomes a minute.
_OUTCOME = (
    "status",
    "attempts",
    "failures",
    "last_status_code",
    "last_error",
    "last_response",
    "next_attempt_at",
    "last_attempt_at",
    "delivered_at",
)
_DELIVERIES = cast(Table, WebhookDeliveryRow.__table__)
_FINISH = (
    update(_DELIVERIES)
    .where(
        _DELIVERIES.c.id == bindparam("b_id"),
        _DELIVERIES.c.claimed_by == bindparam("b_claimer"),
    )
    .values(
        {k: bindparam(f"v_{k}") for k in _OUTCOME} | {"claimed_by": None, "claimed_until": None}
    )
)
