"""Reading the seller's data (API.md "Records"): the dataset catalogue and the team-wide
change feed, paged by sequence. Any member of the team may read."""

from __future__ import annotations

from attrs import define, frozen

from application.context import Actor, Ports, require_member, team_connection
from domain.datasets import DATASETS, DatasetInfo
from domain.records import (
    Dataset,
    Record,
    RecordQuery,
    decode_cursor,
    encode_cursor,
    page_limit,
)
from domain.team import Permission


@define
class ListDatasets:
    ports: Ports

    def __call__(self, actor: Actor) -> list[DatasetInfo]:
        with self.ports.uow() as uow:
            require_member(uow, actor, Permission.VIEW)
        return list(DATASETS.values())


@frozen
class RecordsQuery:
    actor: Actor
    dataset: Dataset | None = None
    connection_id: str | None = None
    marketplace_id: str | None = None
    after: str | None = None
    limit: int | None = None


@frozen
class RecordPage:
    """`next_cursor` is where to go on from: the last record's cursor, or (an empty page)
    the position asked for, so a product can keep polling from it for what changes next."""

    items: tuple[Record, ...]
    next_cursor: str | None
    has_more: bool


@define
class ListRecords:
    ports: Ports

    def __call__(self, query: RecordsQuery) -> RecordPage:
        after = decode_cursor(query.after)
        limit = page_limit(query.limit)
        with self.ports.uow() as uow:
            membership = require_member(uow, query.actor, Permission.VIEW)
            if query.connection_id is not None:
                team_connection(
                    uow,
                    query.actor,
                    query.connection_id,
                    Permission.VIEW,
                    include_disconnected=True,
                )
            found = uow.records.page(
                RecordQuery(
                    team_id=membership.team_id,
                    after=after,
                    limit=limit + 1,
                    dataset=query.dataset,
                    connection_id=query.connection_id,
                    marketplace_id=query.marketplace_id,
                )
            )
        items = tuple(found[:limit])
        next_cursor = items[-1].cursor if items else (encode_cursor(after) if after else None)
        return RecordPage(items, next_cursor, len(found) > limit)
