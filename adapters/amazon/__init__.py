"""The Amazon boundary: Login with Amazon, the Ads API and the Selling Partner API, and the
sandbox that stands in for them (AMAZON.md; DESIGN §6).

Entry points for the composition root (bootstrap/ wires them; nothing here knows it):

- `AmazonSettings` (adapters.amazon.settings): the SP-API app (application_id, LWA
  client id/secret, redirect URI, draft flag -> version=beta) and the Ads app (client
  id/secret, redirect URI), timeouts, retry policy. `AmazonSettings.for_sandbox(base_url)`
  maps every host family to `<base_url>/<Amazon's path>` (e.g. http://127.0.0.1:8000/sandbox)
  and uses the sandbox's demo credentials; pass keyword overrides for anything else.
- `AmazonHttpGateway(settings, client=None, clock=wall clock, *, sleep=time.sleep)`:
  application.ports.AmazonGateway over httpx. `client` may be any httpx.Client (tests bind
  one to a loopback server); `clock` is a callable returning an aware datetime; `sleep` is
  how backoff waits (pass `SandboxClock.sleep` to make a frozen sandbox clock jump instead).
  Keep one instance per process: it owns the rate-limit buckets.
- Sandbox (adapters.amazon.sandbox):
  - `SandboxClock(start=None, scale=1.0)`: `now()` (aware UTC), `advance(seconds)`,
    `sleep(seconds)`, `seconds()`. Use it as sellerlink's Clock port in the embedded mode.
  - `create_sandbox_app(clock, settings) -> Litestar`: the sandbox alone, its routes under
    `/sandbox`; `app.state.sandbox` is the `Sandbox` (in-memory state).
  - `create_sandbox_router(sandbox, path="/sandbox") -> Router`: the same routes to register
    in sellerlink's own Litestar app (build `Sandbox(clock, settings)` once and share it).
  - `run_sandbox(host, port)` (adapters.amazon.sandbox.serve): serve it alone with uvicorn,
    for `sellerlink sandbox`. `SandboxServer` runs it on a free loopback port in a thread
    for tests and benchmarks.
  The sandbox registers the apps named in the `AmazonSettings` it is given, so give it the
  same settings as the gateway. In the embedded mode the gateway calls the sandbox over
  HTTP on sellerlink's own port, so the use cases must run off the event loop (Litestar's
  sync_to_thread, the worker threads), as they already do.

Choices worth knowing (each documented where it is made):
- Error mapping (lwa.py, ads.py `ads_answer`, sp_api.py `refusal`, transport.py): LWA
  `invalid_grant` is SESSION_EXPIRED on a code exchange and TOKEN_REVOKED on refresh; other
  LWA refusals and a 4xx without `error` are REFRESH_TOKEN_FAILED; 5xx, `server_error`,
  `temporarily_unavailable`, timeouts and non-JSON bodies are AMAZON_UNAVAILABLE after the
  bounded retries; persistent 429 is RATE_LIMITED. A refused access token (Ads 401, SP-API
  403 `Unauthorized`) is TOKEN_REVOKED with `access_token_rejected` in its context, as the
  port asks (refresh and try once more). A 403 naming the Individual selling plan is
  PROFESSIONAL_SELLING_PLAN_REQUIRED. Marketplace setup's 400/404 is SETUP_FAILED with
  Amazon's message as detail.
- Marketplace setup reads searchListingsItems for that one marketplace (listings_items.py);
  sync windows read Orders getOrders by LastUpdatedAfter/Before (orders.py), the FBA
  inventory (inventory.py) and reports (reports.py, ads_reports.py).
- The sandbox has one base URL for every host family, so it cannot tell regions apart: it
  answers with an account's profiles and participations in every region, and the adapter
  keeps those of the region asked (as Amazon's regional hosts would answer).
- Participation.country_code is Amazon's ISO code (GB for the UK marketplace); profiles
  keep Ads' `UK`. Match the two on marketplace id.
- Sandbox faults (`POST /sandbox/_admin/faults`): `{"faults": [{"kind": "server_error" |
  "throttle" | "latency" | "lwa_error" | "no_error_key" | "non_json", "target": "all" |
  "lwa" | "ads" | "sp_api", "status", "error", "latency_seconds", "rate", "count"}]}`
  replaces the list (`{"faults": []}` clears it); shorthands `server_error_rate`,
  `throttle_rate`, `latency_seconds`. Other admin: `GET _admin/listings?selling_partner_id=`,
  `GET _admin/scenarios`, `GET|POST _admin/clock`. Reset keeps the clock (time never runs
  backwards).
"""

from adapters.amazon.gateway import AmazonHttpGateway
from adapters.amazon.settings import AmazonSettings, RetryPolicy

__all__ = ["AmazonHttpGateway", "AmazonSettings", "RetryPolicy"]
