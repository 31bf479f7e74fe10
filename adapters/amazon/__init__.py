"""The Amazon boundary: Login with Amazon, the Ads API and the Selling Partner API, and the
sandbox that stands in for them (issue 4; AMAZON.md; DESIGN §6).

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
  same settings as the gateway.
"""

from adapters.amazon.gateway import AmazonHttpGateway
from adapters.amazon.settings import AmazonSettings, RetryPolicy

__all__ = ["AmazonHttpGateway", "AmazonSettings", "RetryPolicy"]
