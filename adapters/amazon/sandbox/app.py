"""The sandbox as a Litestar app: Amazon's paths under one prefix (API.md: `/sandbox`).

Handlers only translate HTTP to `Sandbox` calls; they never read the Host header or build
absolute URLs from the request, so the sandbox answers the same behind any proxy, mounted in
sellerlink's app or served alone.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import html
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import unquote, unquote_plus

from litestar import Litestar, Request, Response, Router, get, patch, post
from litestar.datastructures import MultiDict

from adapters.amazon.sandbox.clock import SandboxClock
from adapters.amazon.sandbox.feeds import feed_handlers
from adapters.amazon.sandbox.state import Fault, Reply, Sandbox, html_page, redact
from adapters.amazon.settings import AmazonSettings

SANDBOX_PATH = "/sandbox"


def _multi(values: MultiDict[Any] | Any) -> dict[str, str]:
    return {key: str(values.get(key)) for key in values}


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, client_secret = decoded.partition(":")
    return unquote_plus(client_id), unquote_plus(client_secret)


def _encoded_sku(request: Request[Any, Any, Any], seller_id: str) -> str:
    """SKUs may contain `/` (Amazon asks callers to URL-encode them): read the SKU from the
    still-encoded request path, not from the decoded one."""
    raw = request.scope.get("raw_path")
    marker = f"/items/{seller_id}/"
    if isinstance(raw, bytes) and marker in raw.decode("latin-1"):
        return unquote(raw.decode("latin-1").split(marker, 1)[1].split("?", 1)[0])
    return str(request.path_params["sku"]).lstrip("/")


def _fault_reply(fault: Fault, family: str) -> Reply | None:
    if fault.kind == "server_error":
        status = fault.status or (500 if family == "lwa" else 503)
        if family == "lwa":
            error = "temporarily_unavailable" if status == 503 else "server_error"
            return Reply(status, {"error": error, "error_description": "Internal server error"})
        if family == "ads":
            return Reply(status, {"code": "SERVER_IS_BUSY", "details": "Service unavailable"})
        return Reply(
            status,
            {
                "errors": [
                    {
                        "code": "InternalFailure",
                        "message": "We encountered an internal error. Please try again.",
                        "details": "",
                    }
                ]
            },
        )
    if fault.kind == "throttle":
        if family == "ads":
            return Reply(
                429, {"code": "THROTTLED", "details": "Too Many Requests"}, {"Retry-After": "1"}
            )
        if family == "lwa":
            return Reply(
                503, {"error": "temporarily_unavailable", "error_description": "Throttled"}
            )
        return Reply(
            429,
            {
                "errors": [
                    {
                        "code": "QuotaExceeded",
                        "message": "You exceeded your quota for the requested resource.",
                        "details": "",
                    }
                ]
            },
        )
    if fault.kind == "lwa_error":
        error = fault.error or "server_error"
        return Reply(
            fault.status or 400, {"error": error, "error_description": f"Injected {error}"}
        )
    if fault.kind == "no_error_key":
        return Reply(fault.status or 400, {"message": "Bad Request"})
    if fault.kind == "non_json":
        return Reply(
            fault.status or 200,
            b"<html><body>Service Unavailable</body></html>",
            {"Content-Type": "text/html"},
            kind="raw",
        )
    return None


def _to_response(reply: Reply) -> Response[Any]:
    headers = dict(reply.headers)
    if reply.kind == "html":
        return Response(
            reply.body, status_code=reply.status, headers=headers, media_type="text/html"
        )
    if reply.kind == "raw":
        media_type = headers.pop("Content-Type", "text/plain")
        return Response(
            reply.body, status_code=reply.status, headers=headers, media_type=media_type
        )
    return Response(
        reply.body, status_code=reply.status, headers=headers, media_type="application/json"
    )


def _handlers(sandbox: Sandbox) -> list[Any]:
    async def answer(
        request: Request[Any, Any, Any],
        family: str,
        produce: Callable[[dict[str, str]], Awaitable[Reply]],
    ) -> Response[Any]:
        """Faults first (latency, then at most one failure), then Amazon's answer; every
        request is logged with its secrets redacted."""
        form: dict[str, str] = {}
        if request.method == "POST" and "form" in request.headers.get("content-type", ""):
            form = _multi(await request.form())
        reply: Reply | None = None
        if family in ("lwa", "ads", "sp_api"):
            for fault in sandbox.pick_fault(family):
                if fault.kind == "latency":
                    await asyncio.sleep(fault.latency_seconds)
                else:
                    reply = _fault_reply(fault, family)
        if reply is None:
            reply = await produce(form)
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower()
            in (
                "authorization",
                "x-amz-access-token",
                "amazon-advertising-api-clientid",
                "amazon-advertising-api-scope",
                "content-type",
            )
        }
        sandbox.log_request(
            {
                "at": sandbox.now().isoformat(),
                "family": family,
                "method": request.method,
                "path": request.scope["path"],
                "query": redact(_multi(request.query_params)),
                "form": redact(form),
                "headers": redact(headers),
                "status": reply.status,
            }
        )
        response_headers = dict(reply.headers)
        response_headers.setdefault(
            "x-amzn-RequestId", sandbox.rng.getrandbits(64).to_bytes(8, "big").hex()
        )
        return _to_response(Reply(reply.status, reply.body, response_headers, reply.kind))

    def query(request: Request[Any, Any, Any]) -> dict[str, str]:
        return _multi(request.query_params)

    # ---------------------------------------------------------------- landing page

    @get("/", include_in_schema=False)
    async def landing() -> Response[Any]:
        rows = "".join(
            f"<tr><td><code>{html.escape(s.name)}</code></td><td>{html.escape(s.summary)}</td>"
            f"<td><code>{s.selling_partner_id}</code></td></tr>"
            for s in sandbox.scenarios.values()
        )
        body = (
            "<p>An emulation of Login with Amazon, the Amazon Ads API and the Selling Partner "
            "API for development and tests. Sign in on a consent page as one of these "
            "accounts:</p>"
            f"<table border='1'><tr><th>account</th><th>what it shows</th>"
            f"<th>selling partner id</th></tr>{rows}</table>"
            "<h2>Amazon paths</h2><ul>"
            "<li>GET apps/authorize/consent (SP-API consent), GET ap/oa (Ads consent)</li>"
            "<li>POST auth/o2/token (LWA)</li><li>GET v2/profiles</li>"
            "<li>POST sp/campaigns/list (Amazon-Advertising-API-Scope: a profile id; "
            "no-campaigns-seller has no active campaign)</li>"
            "<li>GET sellers/v1/marketplaceParticipations</li>"
            "<li>GET listings/2021-08-01/items/{sellerId}, "
            "PATCH listings/2021-08-01/items/{sellerId}/{sku}</li>"
            "<li>GET orders/v0/orders (sellerlink's sync windows)</li></ul>"
            "<h2>Admin</h2><ul><li>POST _admin/revoke {refresh_token | selling_partner_id}</li>"
            "<li>POST _admin/faults {faults: [{kind, target, status, error, latency_seconds, "
            "rate, count}]}</li><li>POST _admin/clock {advance_seconds}</li>"
            '<li>POST _admin/client-secrets {reject: "all" | [secret, ...]}: LWA answers '
            "invalid_client (an app's rejected credentials)</li>"
            "<li>GET _admin/requests</li><li>GET _admin/listings?selling_partner_id=</li>"
            "<li>GET _admin/scenarios</li><li>POST _admin/reset</li></ul>"
        )
        return _to_response(html_page(200, "sellerlink Amazon sandbox", body))

    # ---------------------------------------------------------------- consent pages

    def consent_form(params: Mapping[str, str], button: str) -> str:
        hidden = "".join(
            f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
            for k, v in params.items()
            if k not in ("account", "decision")
        )
        accounts = "".join(
            f"<p><label><input type='radio' name='account' value='{html.escape(s.name)}'"
            f"{' checked' if i == 0 else ''}> <strong>{html.escape(s.name)}</strong>: "
            f"{html.escape(s.summary)}</label></p>"
            for i, s in enumerate(sandbox.scenarios.values())
        )
        return (
            "<form method='post' action=''>"
            f"{hidden}<fieldset><legend>Sign in as</legend>{accounts}</fieldset>"
            f"<button type='submit' name='decision' value='approve'>{button}</button> "
            "<button type='submit' name='decision' value='deny'>Deny</button></form>"
        )

    @get("/apps/authorize/consent", include_in_schema=False)
    async def sp_consent_page(request: Request[Any, Any, Any]) -> Response[Any]:
        async def produce(_: dict[str, str]) -> Reply:
            params = query(request)
            _uri, error = sandbox.sp_consent_check(params)
            if error is not None:
                return error
            return html_page(
                200,
                "Authorize sellerlink (sandbox Seller Central)",
                "<p>sellerlink asks to access your selling account through the Selling "
                "Partner API.</p>" + consent_form(params, "Approve"),
            )

        return await answer(request, "consent", produce)

    @post("/apps/authorize/consent", include_in_schema=False)
    async def sp_consent_decision(request: Request[Any, Any, Any]) -> Response[Any]:
        async def produce(form: dict[str, str]) -> Reply:
            params = {**query(request), **form}
            return sandbox.sp_consent_decide(
                params, params.get("account", ""), params.get("decision", "")
            )

        return await answer(request, "consent", produce)

    @get("/ap/oa", include_in_schema=False)
    async def ads_consent_page(request: Request[Any, Any, Any]) -> Response[Any]:
        async def produce(_: dict[str, str]) -> Reply:
            params = query(request)
            _uri, error = sandbox.ads_consent_check(params)
            if error is not None:
                return error
            return html_page(
                200,
                "Login with Amazon (sandbox)",
                "<p>sellerlink would like to manage your Amazon Ads campaigns "
                "(advertising::campaign_management).</p>" + consent_form(params, "Allow"),
            )

        return await answer(request, "consent", produce)

    @post("/ap/oa", include_in_schema=False)
    async def ads_consent_decision(request: Request[Any, Any, Any]) -> Response[Any]:
        async def produce(form: dict[str, str]) -> Reply:
            params = {**query(request), **form}
            return sandbox.ads_consent_decide(
                params, params.get("account", ""), params.get("decision", "")
            )

        return await answer(request, "consent", produce)

    # ---------------------------------------------------------------- LWA

    @post("/auth/o2/token", include_in_schema=False)
    async def token(request: Request[Any, Any, Any]) -> Response[Any]:
        async def produce(form: dict[str, str]) -> Reply:
            return sandbox.token(form, _basic_credentials(request.headers.get("authorization")))

        return await answer(request, "lwa", produce)

    # ---------------------------------------------------------------- Ads

    @get("/v2/profiles", include_in_schema=False)
    async def profiles(request: Request[Any, Any, Any]) -> Response[Any]:
        async def produce(_: dict[str, str]) -> Reply:
            return sandbox.profiles(
                request.headers.get("authorization"),
                request.headers.get("amazon-advertising-api-clientid"),
            )

        return await answer(request, "ads", produce)

    @post("/sp/campaigns/list", include_in_schema=False)
    async def sp_campaigns(request: Request[Any, Any, Any]) -> Response[Any]:
        async def produce(_: dict[str, str]) -> Reply:
            try:
                body: Any = json.loads(await request.body() or b"null")
            except ValueError:
                body = None
            return sandbox.sp_campaigns(
                request.headers.get("authorization"),
                request.headers.get("amazon-advertising-api-clientid"),
                request.headers.get("amazon-advertising-api-scope"),
                body,
            )

        return await answer(request, "ads", produce)

    # ---------------------------------------------------------------- SP-API

    @get("/sellers/v1/marketplaceParticipations", include_in_schema=False)
    async def participations(request: Request[Any, Any, Any]) -> Response[Any]:
        async def produce(_: dict[str, str]) -> Reply:
            return sandbox.participations(request.headers.get("x-amz-access-token"))

        return await answer(request, "sp_api", produce)

    @get("/listings/2021-08-01/items/{seller_id:str}", include_in_schema=False)
    async def search_listings(request: Request[Any, Any, Any]) -> Response[Any]:
        seller_id = str(request.path_params["seller_id"])

        async def produce(_: dict[str, str]) -> Reply:
            return sandbox.search_listings(
                request.headers.get("x-amz-access-token"),
                seller_id,
                request.query_params.get("marketplaceIds"),
            )

        return await answer(request, "sp_api", produce)

    @get("/listings/2021-08-01/items/{seller_id:str}/{sku:path}", include_in_schema=False)
    async def get_listing(request: Request[Any, Any, Any]) -> Response[Any]:
        seller_id = str(request.path_params["seller_id"])
        sku = _encoded_sku(request, seller_id)

        async def produce(_: dict[str, str]) -> Reply:
            return sandbox.get_listing(
                request.headers.get("x-amz-access-token"),
                seller_id,
                sku,
                request.query_params.get("marketplaceIds"),
            )

        return await answer(request, "sp_api", produce)

    @patch("/listings/2021-08-01/items/{seller_id:str}/{sku:path}", include_in_schema=False)
    async def patch_listing(request: Request[Any, Any, Any]) -> Response[Any]:
        seller_id = str(request.path_params["seller_id"])
        sku = _encoded_sku(request, seller_id)
        body = await request.body()

        async def produce(_: dict[str, str]) -> Reply:
            return sandbox.patch_listing(
                request.headers.get("x-amz-access-token"),
                seller_id,
                sku,
                request.query_params.get("marketplaceIds"),
                body,
            )

        return await answer(request, "sp_api", produce)

    @get("/orders/v0/orders", include_in_schema=False)
    async def orders(request: Request[Any, Any, Any]) -> Response[Any]:
        async def produce(_: dict[str, str]) -> Reply:
            params = request.query_params
            return sandbox.orders(
                request.headers.get("x-amz-access-token"),
                params.get("MarketplaceIds"),
                params.get("LastUpdatedAfter"),
                params.get("LastUpdatedBefore"),
                params.get("NextToken"),
            )

        return await answer(request, "sp_api", produce)

    # ---------------------------------------------------------------- admin

    async def json_body(request: Request[Any, Any, Any]) -> dict[str, Any]:
        raw = await request.body()
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def bad(message: str) -> Response[Any]:
        return Response({"error": message}, status_code=400, media_type="application/json")

    @post("/_admin/revoke", include_in_schema=False)
    async def admin_revoke(request: Request[Any, Any, Any]) -> Response[Any]:
        data = await json_body(request)
        token = data.get("refresh_token")
        partner = data.get("selling_partner_id")
        if not isinstance(token, str | None) or not isinstance(partner, str | None):
            return bad("refresh_token and selling_partner_id are strings")
        if token is None and partner is None:
            return bad("give refresh_token or selling_partner_id")
        revoked = sandbox.revoke(refresh_token=token, selling_partner_id=partner)
        return Response({"revoked": revoked}, status_code=200)

    @post("/_admin/faults", include_in_schema=False)
    async def admin_faults(request: Request[Any, Any, Any]) -> Response[Any]:
        data = await json_body(request)
        rules = list(data.get("faults") or [])
        shorthand = {
            "server_error_rate": "server_error",
            "throttle_rate": "throttle",
        }
        for key, kind in shorthand.items():
            if data.get(key):
                rules.append({"kind": kind, "rate": data[key], "target": data.get("target", "all")})
        if data.get("latency_seconds"):
            rules.append(
                {
                    "kind": "latency",
                    "latency_seconds": data["latency_seconds"],
                    "target": data.get("target", "all"),
                }
            )
        try:
            faults = [
                Fault(
                    kind=str(r["kind"]),
                    target=str(r.get("target", "all")),
                    status=int(r["status"]) if r.get("status") is not None else None,
                    error=str(r["error"]) if r.get("error") is not None else None,
                    latency_seconds=float(r.get("latency_seconds", 0.0)),
                    rate=float(r.get("rate", 1.0)),
                    count=int(r["count"]) if r.get("count") is not None else None,
                )
                for r in rules
            ]
            sandbox.set_faults(faults)
        except (KeyError, TypeError, ValueError) as exc:
            return bad(f"invalid fault: {exc}")
        return Response({"faults": len(faults)}, status_code=200)

    @post("/_admin/client-secrets", include_in_schema=False)
    async def admin_client_secrets(request: Request[Any, Any, Any]) -> Response[Any]:
        """`{"reject": "all"}` makes LWA answer invalid_client to every configured client
        secret, `{"reject": ["<secret>", ...]}` to those, `{"reject": []}` to none."""
        data = await json_body(request)
        reject = data.get("reject")
        if reject == "all":
            count = sandbox.reject_client_secrets(None)
        elif isinstance(reject, list) and all(isinstance(v, str) for v in reject):
            count = sandbox.reject_client_secrets(list(reject))
        else:
            return bad('give reject: "all" or a list of client secrets')
        return Response({"rejected": count}, status_code=200)

    @post("/_admin/clock", include_in_schema=False)
    async def admin_clock(request: Request[Any, Any, Any]) -> Response[Any]:
        data = await json_body(request)
        try:
            seconds = float(data.get("advance_seconds", 0))
            now = sandbox.clock.advance(seconds)
        except (TypeError, ValueError) as exc:
            return bad(str(exc))
        return Response({"now": now.isoformat()}, status_code=200)

    @get("/_admin/clock", include_in_schema=False)
    async def admin_clock_read() -> dict[str, str]:
        return {"now": sandbox.now().isoformat()}

    @get("/_admin/requests", include_in_schema=False)
    async def admin_requests() -> dict[str, Any]:
        return {"items": list(sandbox.request_log)}

    @get("/_admin/listings", include_in_schema=False)
    async def admin_listings(request: Request[Any, Any, Any]) -> dict[str, Any]:
        return {"items": sandbox.listing_state(request.query_params.get("selling_partner_id"))}

    @get("/_admin/scenarios", include_in_schema=False)
    async def admin_scenarios() -> dict[str, Any]:
        return {
            "items": [
                {
                    "name": s.name,
                    "summary": s.summary,
                    "selling_partner_id": s.selling_partner_id,
                    "ads_account_id": s.ads_account_id,
                    "account_type": s.account_type,
                }
                for s in sandbox.scenarios.values()
            ]
        }

    @post("/_admin/reset", include_in_schema=False)
    async def admin_reset() -> Response[Any]:
        sandbox.reset()
        return Response({"reset": True}, status_code=200)

    return [
        landing,
        sp_consent_page,
        sp_consent_decision,
        ads_consent_page,
        ads_consent_decision,
        token,
        profiles,
        sp_campaigns,
        participations,
        search_listings,
        get_listing,
        patch_listing,
        orders,
        admin_revoke,
        admin_faults,
        admin_client_secrets,
        admin_clock,
        admin_clock_read,
        admin_requests,
        admin_listings,
        admin_scenarios,
        admin_reset,
        *feed_handlers(sandbox),
    ]


def create_sandbox_router(sandbox: Sandbox, path: str = SANDBOX_PATH) -> Router:
    """The sandbox's routes under `path`, to register in a bigger Litestar app."""
    return Router(path=path, route_handlers=_handlers(sandbox), include_in_schema=False)


def create_sandbox_app(
    clock: SandboxClock | None = None,
    settings: AmazonSettings | None = None,
    *,
    sandbox: Sandbox | None = None,
    path: str = SANDBOX_PATH,
) -> Litestar:
    """The sandbox served alone (`sellerlink sandbox`). The app's `state.sandbox` is the
    `Sandbox` behind it, for tests and for the lead's wiring."""
    if sandbox is None:
        sandbox = Sandbox(
            clock or SandboxClock(),
            settings or AmazonSettings.for_sandbox("http://127.0.0.1:8000" + path),
        )
    app = Litestar(route_handlers=[create_sandbox_router(sandbox, path)], openapi_config=None)
    app.state.sandbox = sandbox
    return app
