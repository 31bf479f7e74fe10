"""The sandbox as a Litestar app: Amazon's paths under one prefix (API.md: `/sandbox`).

Amazon's operations are served from `routes.py`'s table through one catch-all handler, so
the in-process transport and HTTP clients meet the same Amazon; this module adds only what
a person or an operator uses: the landing page, the consent pages and the admin API. No
handler reads the Host header or builds a URL from the request: the sandbox answers the
same behind any proxy, mounted in sellerlink's app or served alone.
"""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from litestar import Litestar, Request, Response, Router, get, post, route
from litestar.datastructures import MultiDict
from litestar.enums import HttpMethod

from adapters.amazon.sandbox.clock import SandboxClock
from adapters.amazon.sandbox.faults import Fault
from adapters.amazon.sandbox.replies import Reply, encode, html_page
from adapters.amazon.sandbox.routes import ROUTES, SandboxRequest, complete, prepare
from adapters.amazon.sandbox.state import Sandbox
from adapters.amazon.settings import AmazonSettings

SANDBOX_PATH = "/sandbox"
AMAZON_METHODS: list[HttpMethod] = [
    HttpMethod.GET,
    HttpMethod.POST,
    HttpMethod.PUT,
    HttpMethod.PATCH,
    HttpMethod.DELETE,
]


def _multi(values: MultiDict[Any] | Any) -> dict[str, str]:
    return {key: str(values.get(key)) for key in values}


def _to_response(reply: Reply) -> Response[Any]:
    body, media_type, headers = encode(reply)
    return Response(body, status_code=reply.status, headers=headers, media_type=media_type)


def _below_prefix(request: Request[Any, Any, Any], prefix: str) -> str:
    """The request's path below the sandbox prefix, as sent (still percent-encoded)."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else request.scope["path"]
    path = path.split("?", 1)[0]
    root = request.scope.get("root_path", "") or ""
    for cut in (root + prefix, prefix):
        if cut and path.startswith(cut):
            return path[len(cut) :] or "/"
    return path


def _handlers(sandbox: Sandbox, prefix: str) -> list[Any]:
    async def amazon(request: Request[Any, Any, Any]) -> Response[Any]:
        """Every Amazon operation (routes.py): faults, latency, Amazon's answer."""
        incoming = SandboxRequest(
            method=request.method,
            path=_below_prefix(request, prefix),
            query=tuple(request.query_params.multi_items()),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=await request.body(),
        )
        prepared = prepare(sandbox, incoming)
        if prepared.latency_seconds:
            await asyncio.sleep(prepared.latency_seconds)
        return _to_response(complete(sandbox, incoming, prepared))

    @route("/{amazon_path:path}", http_method=AMAZON_METHODS, include_in_schema=False)
    async def amazon_operation(request: Request[Any, Any, Any]) -> Response[Any]:
        return await amazon(request)

    async def answer(
        request: Request[Any, Any, Any],
        produce: Callable[[dict[str, str]], Awaitable[Reply]],
    ) -> Response[Any]:
        """The consent pages: logged (secrets redacted) like Amazon's operations."""
        form: dict[str, str] = {}
        if request.method == "POST" and "form" in request.headers.get("content-type", ""):
            form = _multi(await request.form())
        reply = await produce(form)
        sandbox.log_request(
            {
                "at": sandbox.now().isoformat(),
                "family": "consent",
                "operation": None,
                "method": request.method,
                "path": _below_prefix(request, prefix),
                "query": {},
                "form": {},
                "headers": {},
                "status": reply.status,
            }
        )
        return _to_response(reply)

    def query(request: Request[Any, Any, Any]) -> dict[str, str]:
        return _multi(request.query_params)

    # ---------------------------------------------------------------- landing page

    @get("/", include_in_schema=False)
    async def landing() -> Response[Any]:
        operations = "".join(
            f"<li>{r.method} {html.escape(r.template.lstrip('/'))}"
            f"{' (' + r.operation + ')' if r.operation else ''}</li>"
            for r in ROUTES
        )
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
            f"{operations}</ul>"
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

    def consent(
        path: str,
        check: Callable[[Mapping[str, str]], tuple[str | None, Reply | None]],
        decide: Callable[[Mapping[str, str], str, str], Reply],
        title: str,
        asks: str,
        button: str,
    ) -> list[Any]:
        """A consent page (GET: the URL checked as Amazon checks it, then the accounts to
        sign in as) and the person's decision on it (POST)."""

        @get(path, include_in_schema=False)
        async def page(request: Request[Any, Any, Any]) -> Response[Any]:
            async def produce(_: dict[str, str]) -> Reply:
                params = query(request)
                _uri, error = check(params)
                if error is not None:
                    return error
                return html_page(200, title, f"<p>{asks}</p>" + consent_form(params, button))

            return await answer(request, produce)

        @post(path, include_in_schema=False)
        async def decision(request: Request[Any, Any, Any]) -> Response[Any]:
            async def produce(form: dict[str, str]) -> Reply:
                params = {**query(request), **form}
                return decide(params, params.get("account", ""), params.get("decision", ""))

            return await answer(request, produce)

        return [page, decision]

    sp_consent = consent(
        "/apps/authorize/consent",
        sandbox.sp_consent_check,
        sandbox.sp_consent_decide,
        "Authorize sellerlink (sandbox Seller Central)",
        "sellerlink asks to access your selling account through the Selling Partner API.",
        "Approve",
    )
    ads_consent = consent(
        "/ap/oa",
        sandbox.ads_consent_check,
        sandbox.ads_consent_decide,
        "Login with Amazon (sandbox)",
        "sellerlink would like to manage your Amazon Ads campaigns "
        "(advertising::campaign_management).",
        "Allow",
    )

    # ---------------------------------------------------------------- admin

    async def json_body(request: Request[Any, Any, Any]) -> dict[str, Any]:
        raw = await request.body()
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, or nested past any parser's depth
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
                    target=str(r.get("target", "sp_api" if r["kind"] == "forbidden" else "all")),
                    status=int(r["status"]) if r.get("status") is not None else None,
                    error=str(r["error"]) if r.get("error") is not None else None,
                    latency_seconds=float(r.get("latency_seconds", 0.0)),
                    rate=float(r.get("rate", 1.0)),
                    count=int(r["count"]) if r.get("count") is not None else None,
                    account=str(r["account"]) if r.get("account") is not None else None,
                    operation=str(r["operation"]) if r.get("operation") is not None else None,
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
        clock = sandbox.clock
        if not isinstance(clock, SandboxClock):
            return bad("this sandbox follows another clock")
        try:
            seconds = float(data.get("advance_seconds", 0))
            now = clock.advance(seconds)
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
        *sp_consent,
        *ads_consent,
        admin_revoke,
        admin_faults,
        admin_client_secrets,
        admin_clock,
        admin_clock_read,
        admin_requests,
        admin_listings,
        admin_scenarios,
        admin_reset,
        amazon_operation,
    ]


def ignore_host_below(app: Litestar, path: str = SANDBOX_PATH) -> Litestar:
    """Drop the Host header of requests below the sandbox's `path`, before Litestar's
    router refuses one it finds malformed (400 "Invalid host header"). python-amazon-sp-api
    slices its Host out of an `https://` endpoint; pointed at the sandbox's `http://` one
    it sends `27.0.0.1:8001/sandbox`. Amazon's answer never depends on Host and the
    sandbox never reads it, so below its path the header goes; the rest of the app keeps
    Litestar's check."""
    inner: Any = app.asgi_handler
    root = path.rstrip("/") + "/"

    async def handler(scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and (scope.get("path", "") + "/").startswith(root):
            scope["headers"] = [(k, v) for k, v in scope.get("headers", []) if k != b"host"]
        await inner(scope, receive, send)

    app.asgi_handler = handler
    return app


def create_sandbox_router(sandbox: Sandbox, path: str = SANDBOX_PATH) -> Router:
    """The sandbox's routes under `path`, to register in a bigger Litestar app."""
    return Router(path=path, route_handlers=_handlers(sandbox, path), include_in_schema=False)


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
    return ignore_host_below(app, path)
