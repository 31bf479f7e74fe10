"""Records (API.md "Records"): the dataset catalogue and the team's records, paged by an
opaque cursor. `data` is Amazon's object exactly as Amazon sent it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller
from litestar.exceptions import ClientException
from litestar.params import FromQuery, QueryParameter
from msgspec import Meta, Struct

from adapters.http.routing import App, CurrentActor, api_get
from adapters.http.schemas import PRINTABLE, Out
from application.records import RecordPage, RecordsQuery
from domain.api_key import Scope
from domain.datasets import DatasetInfo
from domain.errors import ValidationFailed
from domain.records import MAX_PAGE, Dataset, Record, decode_cursor

_QUERY_ID = Annotated[str | None, QueryParameter(min_length=1, max_length=200, pattern=PRINTABLE)]


class DatasetOut(Out):
    name: Dataset
    description: str
    key_fields: list[str]
    source: str
    schema: dict[str, Any]

    @classmethod
    def of(cls, info: DatasetInfo) -> DatasetOut:
        return cls.shown(info, key_fields=list(info.key_fields), schema=dict(info.schema))


class DatasetList(Struct, kw_only=True):
    items: list[DatasetOut]


class RecordOut(Out):
    dataset: Dataset
    connection_id: str
    marketplace_id: str
    key: str
    data: Annotated[dict[str, Any], Meta(description="Amazon's object, unchanged")]
    updated_at: datetime
    deleted: bool
    cursor: str

    @classmethod
    def of(cls, record: Record) -> RecordOut:
        return cls.shown(record, data=json.loads(record.payload))


class RecordList(Out):
    items: list[RecordOut]
    next_cursor: Annotated[
        str | None,
        Meta(description="Pass as `after` to go on; on the last page, to poll for changes"),
    ]
    has_more: bool

    @classmethod
    def of(cls, page: RecordPage) -> RecordList:
        return cls.shown(page, items=[RecordOut.of(r) for r in page.items])


class RecordsController(Controller):
    path = "/api/v1"
    tags = ["records"]

    @api_get(
        "/datasets",
        scope=Scope.RECORDS_READ,
        summary="The datasets sellerlink keeps, with their keys and schemas",
    )
    def datasets(self, actor: CurrentActor, application: App) -> DatasetList:
        return DatasetList(items=[DatasetOut.of(d) for d in application.list_datasets(actor)])

    @api_get(
        "/records",
        scope=Scope.RECORDS_READ,
        summary="The team's records in the order they changed (keyset pages by cursor)",
    )
    def records(
        self,
        actor: CurrentActor,
        application: App,
        dataset: FromQuery[Dataset | None] = None,
        connection_id: _QUERY_ID = None,
        marketplace_id: _QUERY_ID = None,
        after: Annotated[
            str | None, QueryParameter(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 100,
    ) -> RecordList:
        try:
            decode_cursor(after)  # a malformed cursor is bad input, like a bad limit
        except ValidationFailed as error:
            raise ClientException(detail=error.detail) from None
        page = application.list_records(
            RecordsQuery(
                actor=actor,
                dataset=dataset,
                connection_id=connection_id,
                marketplace_id=marketplace_id,
                after=after,
                limit=limit,
            )
        )
        return RecordList.of(page)
