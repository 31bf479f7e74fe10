"""`sellerlink serve` (what `make run` calls): migrations, the web API on 127.0.0.1:8000,
the Amazon sandbox mounted at /sandbox and used as Amazon unless real credentials are
configured, the in-process worker, a demo team with one user per role, and a banner with
the URLs and ready-to-use tokens."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import uvicorn
from litestar import Litestar

from adapters.amazon.sandbox import SANDBOX_PATH, create_sandbox_router, ignore_host_below
from adapters.http import mint_dev_token
from adapters.http.demo import demo_page
from adapters.http.demo_webhooks import PAGE_PATH, RECEIVE_PATH, WebhookInbox, demo_webhook_routes
from adapters.telemetry import configure_logging
from adapters.worker import InProcessWorker
from application.app import Application
from application.context import Actor
from application.teams import CreateTeamCommand, SetMemberRoleCommand
from bootstrap.container import Container, resume_sandbox_clock
from bootstrap.heap import settle_after_start_up
from bootstrap.settings import Settings
from bootstrap.web import create_app, dev_jwt_secret
from domain.errors import DomainError
from domain.team import PERSON_ROLES, Plan, Role, TeamKind

log = logging.getLogger("sellerlink.serve")

DEMO_FILE = "demo-team.json"
DEMO_USERS = {role: f"{role}@demo.sellerlink" for role in PERSON_ROLES}


def build_server_app(
    container: Container,
    demo_tokens: dict[Role, str] | None = None,
    worker: InProcessWorker | None = None,
    inbox: WebhookInbox | None = None,
) -> Litestar:
    """The web API, plus the sandbox's routes when it stands in for Amazon, plus the demo
    page when dev authentication is on; /ready also asks the in-process worker, if any."""
    settings: Settings = container.settings()
    checks = {"worker": lambda: _worker_running(worker)} if worker is not None else {}
    # The links the server hands out (connect session `url`, `authorization_url`) name the
    # host Amazon sends the browser back to (the redirect URIs use the same base): a link on
    # another name for this server (localhost for 127.0.0.1) would bind the browser on a host
    # the callback never sees, and every callback would be refused.
    app = create_app(container, readiness=checks, public_base_url=settings.base_url)
    if settings.sandbox:
        app.register(create_sandbox_router(container.sandbox(), SANDBOX_PATH))
        ignore_host_below(app, SANDBOX_PATH)
    if demo_tokens and settings.dev_auth:
        tokens = {str(r): t for r, t in demo_tokens.items()}
        app.register(demo_page("Demo team", tokens, settings.base_url))
    if inbox is not None and settings.sandbox and settings.dev_auth:
        for route in demo_webhook_routes(inbox):
            app.register(route)
    return app


def subscribe_demo_receiver(app: Application, settings: Settings, team_id: str) -> WebhookInbox:
    """The demo team's endpoint at the built-in receiver, every event. Its secret is rotated
    at each start so this process's inbox can check signatures (the old one stays valid 24
    hours, as for any rotation)."""
    inbox = WebhookInbox()
    owner = Actor(DEMO_USERS[Role.OWNER], team_id)
    url = settings.base_url.rstrip("/") + RECEIVE_PATH
    existing = [e for e in app.list_webhooks(owner) if e.url == url]
    if existing:
        inbox.use_secret(app.rotate_webhook_secret(owner, existing[0].id))
    else:
        created = app.create_webhook(owner, url, ["*"], "Built-in demo receiver (/demo/webhooks)")
        inbox.use_secret(created.secret)
    return inbox


def _worker_running(worker: InProcessWorker) -> None:
    if not worker.running:
        raise RuntimeError("the in-process worker is not running")


def seed_demo_team(app: Application, data_dir: Path) -> str:
    """One demo team (on the pro plan, so every sandbox scenario can be tried) with one user
    per role, created once and remembered in the data dir."""
    path = data_dir / DEMO_FILE
    if path.exists():
        team_id = str(json.loads(path.read_text(encoding="utf-8"))["team_id"])
        try:
            app.get_team(Actor(DEMO_USERS[Role.OWNER], team_id), team_id)
            return team_id
        except DomainError:
            log.warning("the remembered demo team is gone; creating a new one")
    owner = Actor(DEMO_USERS[Role.OWNER])
    team = app.create_team(CreateTeamCommand(owner, "Demo team", TeamKind.BRAND, plan=Plan.PRO))
    for role in (Role.ADMIN, Role.MANAGER, Role.MEMBER):
        app.set_member_role(
            SetMemberRoleCommand(Actor(owner.user_id, team.id), team.id, DEMO_USERS[role], role)
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"team_id": team.id}), encoding="utf-8")
    return team.id


def banner(settings: Settings, team_id: str, tokens: dict[Role, str]) -> str:
    base = settings.base_url
    lines = [
        "",
        "sellerlink is running",
        "",
        f"  Connect an Amazon account: open {base}/demo and click Connect Amazon.",
        "  sellerlink's hosted flow opens; Amazon is the sandbox: sign in as us-seller, approve.",
        "",
        f"  Demo product  {base}/demo   (a small product embedding the hosted flow)",
        f"  Webhooks      {base}{PAGE_PATH}   (every change, as your product receives it)",
        f"  API           {base}/api/v1",
        f"  OpenAPI UI    {base}/schema",
        f"  Health        {base}/health   Ready: {base}/ready",
    ]
    if settings.sandbox:
        lines += [
            f"  Amazon        sandbox at {base}{SANDBOX_PATH}/ (scenario accounts listed there)",
        ]
    else:
        lines += ["  Amazon        real Amazon (credentials from SELLERLINK_* settings)"]
    lines += [
        f"  Database      {settings.database_url or settings.effective_database_url}",
        f"  Demo team     {team_id}",
        "",
        "Dev tokens (Authorization: Bearer <token>; they carry the demo team):",
    ]
    for role, token in tokens.items():
        lines.append(f"  {role:<8} {token}")
    lines += [
        "",
        "Embed it in your product (a connect session, then open its url):",
        f"  export TOKEN={tokens[Role.OWNER]}",
        f"  curl -s -X POST {base}/api/v1/connect-sessions \\",
        "    -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\",
        '    -d \'{"return_to": "/demo"}\'',
        "  then open the url in a browser: the hosted flow walks you to Ready.",
        "",
    ]
    return "\n".join(lines)


def serve(container: Container, host: str | None = None, port: int | None = None) -> None:
    settings: Settings = container.settings()
    if host or port:
        from attrs import evolve

        settings = evolve(settings, host=host or settings.host, port=port or settings.port)
        container.settings.override(settings)
    try:
        configure_logging(level=settings.log_level, fmt=settings.log_format)
    except ValueError as wrong:  # SELLERLINK_LOG_FORMAT or _LOG_LEVEL mistyped
        raise SystemExit(str(wrong)) from None
    database = container.database()
    database.upgrade()
    resume_sandbox_clock(container)
    application = container.application()
    team_id = seed_demo_team(application, Path(settings.data_dir))
    secret = dev_jwt_secret(settings)
    tokens = {
        role: mint_dev_token(
            secret, user, team_id, issuer=settings.jwt_issuer, audience=settings.jwt_audience
        )
        for role, user in DEMO_USERS.items()
    }
    inbox = None
    if settings.sandbox and settings.dev_auth:
        inbox = subscribe_demo_receiver(application, settings, team_id)
    worker = InProcessWorker(
        application, interval=settings.worker_interval_seconds, webhook_threads=2
    )
    if settings.worker_in_process:
        worker.start()
    running = worker if settings.worker_in_process else None
    app = build_server_app(container, tokens, running, inbox)
    print(banner(settings, team_id, tokens), flush=True)
    settle_after_start_up()
    try:
        # uvicorn keeps our logging (log_config=None); the request line replaces its
        # access log.
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            log_level=None,  # our configuration's levels (its start-up chatter held back)
        )
    finally:
        worker.stop(timeout=10)
        database.dispose()
