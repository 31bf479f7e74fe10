"""The web application's composition: the container's Application bridged into Litestar's
dependency injection (STACK.md: `Provide(lambda: container.x(), sync_to_thread=False)`;
only bootstrap imports dependency-injector), the authenticator built from Settings, and the
readiness checks."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

from litestar import Litestar
from litestar.di import Provide

from adapters.http import Authenticator, JwksKeys, build_api, redact_callback_queries
from adapters.telemetry import OtelTracer, litestar_plugin
from bootstrap.container import Container
from bootstrap.settings import Settings
from domain.errors import AppCredentialsRejected

log = logging.getLogger("sellerlink.web")

DEV_SECRET_FILE = "jwt-secret"


def create_app(
    container: Container,
    *,
    debug: bool = False,
    readiness: Mapping[str, Callable[[], None]] | None = None,
    public_base_url: str | None = None,
) -> Litestar:
    """`readiness`: further checks for /ready (the embedded worker, when `serve` runs one).
    `public_base_url`: the base of the links the API hands out; SELLERLINK_PUBLIC_BASE_URL
    when None (and without it, each request's own base)."""
    settings: Settings = container.settings()
    application = container.application()
    redact_callback_queries()

    def database_answers() -> None:
        with application.ports.uow() as uow:
            uow.teams.get("team_readiness_probe")

    def app_credentials() -> list[str]:
        findings = application.check_app_credentials()
        for finding in findings:
            if finding.problem and finding.code == "APP_CREDENTIALS_REJECTED":
                raise AppCredentialsRejected(finding.detail)
        return [f"{f.code}: {f.detail}" for f in findings]

    metrics = container.metrics()

    def before_scrape() -> None:
        metrics.set_snapshot(application.snapshot())

    tracer = container.tracer()
    plugins = [litestar_plugin(tracer.provider)] if isinstance(tracer, OtelTracer) else []
    return build_api(
        dependencies={
            "application": Provide(lambda: container.application(), sync_to_thread=False),
        },
        authenticator=authenticator_for(settings),
        readiness={
            "database": database_answers,
            "app_credentials": app_credentials,
            **(readiness or {}),
        },
        public_base_url=public_base_url or settings.public_base_url,
        debug=debug,
        metrics_token=settings.metrics_token,
        before_scrape=before_scrape,
        plugins=plugins,
    )


def authenticator_for(settings: Settings) -> Authenticator:
    """Production: the identity provider's JWKS with issuer and audience. Embedded default
    (dev_auth): HS256 with `SELLERLINK_JWT_SECRET` or a key generated into the data dir."""
    jwks = JwksKeys(settings.jwks_url) if settings.jwks_url else None
    secret = settings.jwt_secret
    if secret is None and settings.dev_auth:
        secret = dev_jwt_secret(settings)
    return Authenticator(
        secret=secret,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        jwks=jwks,
    )


def dev_jwt_secret(settings: Settings) -> str:
    """The HS256 secret dev tokens are signed with: `SELLERLINK_JWT_SECRET`, else a random
    key kept in the data dir (created on first start, readable by its owner only), so tokens
    printed by `sellerlink dev token` keep working across restarts."""
    if settings.jwt_secret:
        return settings.jwt_secret
    path = Path(settings.data_dir) / DEV_SECRET_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    log.info("generated a development JWT secret in %s", path)
    return key
