"""API keys (API.md "API keys"): owners and admins issue keys for their product's back end.
The key is in the creation answer only; listing shows names, scopes and last use."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, Response
from litestar.params import JSONBody
from msgspec import Meta, Struct

from adapters.http.routing import App, CurrentActor, PathStr, api_delete, api_get, api_post
from adapters.http.schemas import PRINTABLE, Out
from application.api_keys import CreateApiKeyCommand
from domain.api_key import ApiKey, IssuedKey, Scope

KeyName = Annotated[str, Meta(min_length=1, max_length=120, pattern=PRINTABLE)]


class ApiKeyIn(Struct, kw_only=True):
    name: KeyName
    scopes: Annotated[list[Scope], Meta(min_length=1, max_length=len(Scope))]


class ApiKeyCreated(Out):
    id: str
    name: str
    scopes: list[Scope]
    key: Annotated[
        str,
        Meta(description="`slk_…`: send as `Authorization: Bearer <key>`. Shown only here."),
    ]
    created_at: datetime

    @classmethod
    def of(cls, issued: IssuedKey) -> ApiKeyCreated:
        k = issued.key
        return cls.shown(k, scopes=sorted(k.scopes), key=issued.plaintext.reveal())


class ApiKeyOut(Out):
    id: str
    name: str
    scopes: list[Scope]
    created_at: datetime
    # To the minute: written at most once a minute, never on every request.
    last_used_at: datetime | None

    @classmethod
    def of(cls, k: ApiKey) -> ApiKeyOut:
        return cls.shown(k, scopes=sorted(k.scopes))


class ApiKeyList(Struct, kw_only=True):
    items: list[ApiKeyOut]


class ApiKeysController(Controller):
    path = "/api/v1/api-keys"
    tags = ["api keys"]

    @api_post("/", scope=None, summary="Create an API key (owner, admin); the key is shown once")
    def create(
        self, data: JSONBody[ApiKeyIn], actor: CurrentActor, application: App
    ) -> Response[ApiKeyCreated]:
        issued = application.create_api_key(CreateApiKeyCommand(actor, data.name, data.scopes))
        return Response(
            ApiKeyCreated.of(issued), status_code=201, headers={"Cache-Control": "no-store"}
        )

    @api_get("/", scope=None, summary="The team's API keys (never their secrets)")
    def list_keys(self, actor: CurrentActor, application: App) -> ApiKeyList:
        return ApiKeyList(items=[ApiKeyOut.of(k) for k in application.list_api_keys(actor)])

    @api_delete(
        "/{key_id:str}", scope=None, summary="Delete an API key: refused from the next request on"
    )
    def delete_key(self, key_id: PathStr, actor: CurrentActor, application: App) -> None:
        application.delete_api_key(actor, key_id)
