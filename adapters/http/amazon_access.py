"""Amazon access for the product (API.md "Amazon access"): a fresh access token with the
headers Amazon expects, and the proxy that passes a product's call on to Amazon through the
connection. Both need the `amazon:access` scope (or an owner's or admin's token).

The proxy reads the path as the product sent it (still percent-encoded, from the ASGI
`raw_path`), so an encoded escape cannot hide from the check in domain/pass_through.py, and
streams Amazon's answer back without holding it whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, HttpMethod, Request, Response, route
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import Example, OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.params import JSONBody, PathParameter
from litestar.response import Stream
from msgspec import Meta, Struct

from adapters.http.problems import problem_responses
from adapters.http.routing import (
    BEARER,
    TEAM_SCOPED,
    App,
    CurrentActor,
    PathStr,
    api_post,
    key_scope,
)
from adapters.http.schemas import PRINTABLE, Out
from application.amazon_access import AccessTokenView, PassThroughCommand
from domain.api_key import Scope
from domain.connection import Region
from domain.errors import ValidationFailed
from domain.grant import Channel

# Documented for OpenAPI; the proxy reads the raw, still-encoded path itself (see
# _raw_path_after) and domain/pass_through.py decides what may pass.
AmazonPath = Annotated[
    str,
    PathParameter(
        min_length=1,
        max_length=2000,
        pattern=PRINTABLE,
        description="Amazon's API path, e.g. `orders/v0/orders` or `v2/profiles`.",
        examples=[Example(value="orders/v0/orders")],
    ),
]
MAX_WAIT_HEADER = "x-sellerlink-max-wait"
WAIT_HEADER = "X-Sellerlink-Wait-Ms"
DEFAULT_MAX_WAIT = 30.0
LONGEST_MAX_WAIT = 300.0
MAX_BODY = 10 * 1024 * 1024
PROXY_ERRORS = (*TEAM_SCOPED, 413, 502)


class AccessTokenIn(Struct, kw_only=True):
    channel: Channel


class AccessTokenOut(Out):
    access_token: str
    token_type: str
    expires_at: datetime | None
    channel: Channel
    region: Region
    endpoint: Annotated[str, Meta(description="The API's regional host (or the sandbox).")]
    headers: Annotated[
        dict[str, str], Meta(description="Exactly the headers Amazon expects with the token.")
    ]

    @classmethod
    def of(cls, view: AccessTokenView) -> AccessTokenOut:
        return cls.shown(view, access_token=view.access_token.reveal(), headers=dict(view.headers))


@dataclass
class AmazonAnswerOperation(Operation):
    """The proxy answers with Amazon's own body (JSON) as well as sellerlink's problem+json,
    so each documented status lists both media types."""

    def __post_init__(self) -> None:
        for response in (self.responses or {}).values():
            if isinstance(response, OpenAPIResponse):
                content = response.content if response.content is not None else {}
                content.setdefault(
                    "application/json",
                    OpenAPIMediaType(
                        schema=Schema(description="Amazon's answer, as Amazon sent it")
                    ),
                )
                response.content = content


_PROXY_OPTIONS: dict[str, Any] = {
    "http_method": [
        HttpMethod.GET,
        HttpMethod.POST,
        HttpMethod.PUT,
        HttpMethod.PATCH,
        HttpMethod.DELETE,
    ],
    "responses": problem_responses(*PROXY_ERRORS),
    "security": BEARER,
    "opt": key_scope(Scope.AMAZON_ACCESS),
    "operation_class": AmazonAnswerOperation,
    "description": "Amazon's answer as it is (status, body, `x-amzn-*` headers) plus "
    "`X-Sellerlink-Wait-Ms`. sellerlink adds the token and headers, picks the regional host, "
    "spends the shared rate budget and waits out 429s up to `X-Sellerlink-Max-Wait` seconds "
    "(default 30), refreshes an expired token once, and answers its own refusals as "
    "problem+json: RATE_LIMITED (with Retry-After), TOKEN_REVOKED, APP_ROLE_MISSING, "
    "RESTRICTED_DATA, PERMISSION_MISSING, PATH_NOT_ALLOWED.",
}


def _proxy(channel: Channel, prefix: str, summary: str) -> HTTPRouteHandler:
    """The proxy route of one Amazon API: `prefix` is where Amazon's path starts, on the
    route and in the raw path read back from the request. The handler is named for the
    channel, which the OpenAPI operation ids carry (`...AmazonAdsPathGetAds`)."""

    async def pass_through(
        controller: Controller,
        connection_id: PathStr,
        path: AmazonPath,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        application: App,
    ) -> Response[Any]:
        body = await request.body()
        if len(body) > MAX_BODY:
            raise ValidationFailed(
                "The request body is larger than 10 MiB.", context={"field": "body"}
            )
        command = PassThroughCommand(
            actor=actor,
            connection_id=connection_id,
            channel=channel,
            method=request.method,
            path=_raw_path_after(request, prefix),
            query=request.scope.get("query_string", b"").decode("latin-1"),
            headers=dict(request.headers),
            body=body,
            max_wait_seconds=_max_wait(request.headers.get(MAX_WAIT_HEADER)),
        )
        answer = await anyio.to_thread.run_sync(application.pass_through, command)
        headers = {
            **answer.headers,
            WAIT_HEADER: str(answer.waited_ms),
            "Cache-Control": "no-store",
        }
        return Stream(answer.chunks(), status_code=answer.status, headers=headers)

    pass_through.__name__ = channel.value
    handler: HTTPRouteHandler = route(f"{prefix}{{path:path}}", summary=summary, **_PROXY_OPTIONS)(
        pass_through
    )
    return handler


class AmazonAccessController(Controller):
    path = "/api/v1/connections/{connection_id:str}"
    tags = ["amazon access"]

    @api_post(
        "/access-token",
        scope=Scope.AMAZON_ACCESS,
        status_code=200,
        summary="A fresh Amazon access token and the headers to call Amazon with",
    )
    def access_token(
        self,
        connection_id: PathStr,
        data: JSONBody[AccessTokenIn],
        actor: CurrentActor,
        application: App,
    ) -> Response[AccessTokenOut]:
        view = application.issue_access_token(actor, connection_id, data.channel)
        return Response(AccessTokenOut.of(view), headers={"Cache-Control": "no-store"})

    ads = _proxy(Channel.ADS, "/amazon/ads/", "Call the Amazon Ads API")
    sp_api = _proxy(Channel.SP_API, "/amazon/sp-api/", "Call the Selling Partner API")


def _raw_path_after(request: Request[Any, Any, Any], marker: str) -> str:
    raw = request.scope.get("raw_path") or request.scope["path"].encode("utf-8")
    text = raw.decode("latin-1").split("?", 1)[0]
    position = text.find(marker)
    return text[position + len(marker) :] if position >= 0 else ""


def _max_wait(value: str | None) -> float:
    if value is None or not value.strip():
        return DEFAULT_MAX_WAIT
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= LONGEST_MAX_WAIT:
        raise ValidationFailed(
            f"X-Sellerlink-Max-Wait is a number of seconds from 0 to {LONGEST_MAX_WAIT:g}.",
            context={"field": "X-Sellerlink-Max-Wait"},
        )
    return seconds
