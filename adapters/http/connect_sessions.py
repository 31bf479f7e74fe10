"""`POST /api/v1/connect-sessions` (API.md "Connect sessions"): a product's back end asks for a
link to the hosted flow for one person and opens it in a pop-up or a redirect."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request
from litestar.params import JSONBody
from msgspec import Meta, Struct

from adapters.http.binding import public_url
from adapters.http.routing import App, CurrentActor, api_post
from adapters.http.schemas import SOME_TEXT, Id
from application.connect_sessions import CreateConnectSessionCommand
from domain.api_key import Scope
from domain.connect_session import ConnectOffer
from domain.connection import AccountType, Region

# Exactly what domain.connect_session.validate_session_return_to accepts, so the schema
# tells the truth: a path here, an https URL, or http on loopback; no userinfo, no spaces,
# no backslash, printable ASCII only.
_URL_REST = r"([/?#][!-\[\]-~]*)?"
RETURN_TO_PATTERN = (
    r"^(/(?![/\\])[!-\[\]-~]*"
    r"|https://[A-Za-z0-9.-]+(:[0-9]{1,5})?"
    + _URL_REST
    + r"|http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?"
    + _URL_REST
    + r")?$"
)
HOSTED_PATH = "/connect"
# Checked again by the domain (validate_session_return_to), which is the authority.
SessionReturnTo = Annotated[
    str,
    Meta(
        max_length=2000,
        pattern=RETURN_TO_PATTERN,
        description="Where the person goes when the flow ends: an https URL of your app "
        "(http only on localhost) or a path on this site. It gets `connection_id` and "
        "`result=connected`, or `result=error&code=<CODE>`; a pop-up instead posts "
        "`{type: 'sellerlink:connected', connection_id}` to this URL's origin.",
        examples=["https://app.example.com/settings/amazon"],
    ),
]


class EndUserIn(Struct, kw_only=True):
    id: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=200,
            pattern=SOME_TEXT,
            description="Your id for the person connecting; recorded in the audit trail.",
            examples=["user_4821"],
        ),
    ]
    email: (
        Annotated[
            str,
            Meta(
                min_length=3,
                max_length=200,
                pattern=SOME_TEXT,
                description="The person's email, for support's timeline.",
                examples=["maria@example.com"],
            ),
        ]
        | None
    ) = None


class ConnectSessionIn(Struct, kw_only=True):
    end_user: EndUserIn | None = None
    account_types: (
        Annotated[
            list[AccountType],
            Meta(
                max_length=2,
                description="The account types the person may choose; all when left out.",
                examples=[["seller"]],
            ),
        ]
        | None
    ) = None
    regions: (
        Annotated[
            list[Region],
            Meta(
                max_length=3,
                description="The regions the person may choose; all when left out.",
                examples=[["NA", "EU"]],
            ),
        ]
        | None
    ) = None
    connection_id: (
        Annotated[
            Id,
            Meta(
                description="Reconnect (or complete) this connection instead of adding a "
                "new one; id, settings and history are kept.",
                examples=["con_01J9Z"],
            ),
        ]
        | None
    ) = None
    return_to: SessionReturnTo | None = None


class ConnectSessionOut(Struct, kw_only=True):
    id: Annotated[str, Meta(description="The session's id, as support sees it.")]
    token: Annotated[
        str,
        Meta(
            description="The link's secret (256 bits). Shown only here; sellerlink keeps a "
            "hash of it. The first browser that opens the link owns it."
        ),
    ]
    url: Annotated[
        str,
        Meta(
            description="The hosted flow, `/connect/{token}`: open it in a pop-up or "
            "redirect the person to it.",
            examples=["https://sellerlink.example.com/connect/9Qm1..."],
        ),
    ]
    expires_at: Annotated[
        datetime, Meta(description="The link works for 30 minutes after it was made.")
    ]


class ConnectSessionsController(Controller):
    path = "/api/v1/connect-sessions"
    tags = ["connecting"]

    @api_post(
        "",
        scope=Scope.CONNECTIONS_WRITE,
        summary="Create a link to the hosted connect flow",
        description="For your back end (owner, admin or manager; API keys need "
        "`connections:write`). Open `url` in a pop-up (the flow posts its result to "
        "`window.opener`) or redirect to it (the flow ends with a 303 to `return_to`).",
    )
    def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ConnectSessionIn],
        actor: CurrentActor,
        application: App,
    ) -> ConnectSessionOut:
        created = application.create_connect_session(
            CreateConnectSessionCommand(
                actor=actor,
                offer=ConnectOffer(
                    end_user_id=data.end_user.id if data.end_user else None,
                    end_user_email=data.end_user.email if data.end_user else None,
                    account_types=tuple(data.account_types) if data.account_types else None,
                    regions=tuple(data.regions) if data.regions else None,
                    connection_id=data.connection_id,
                    return_to=data.return_to,
                ),
            )
        )
        return ConnectSessionOut(
            id=created.session_id,
            token=created.token,
            url=public_url(request, f"{HOSTED_PATH}/{created.token}"),
            expires_at=created.expires_at,
        )
