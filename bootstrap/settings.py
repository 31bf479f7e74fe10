"""Settings from `SELLERLINK_*` environment variables (API.md "Running and authenticating").

The embedded default needs none of them: SQLite under the data dir, the Amazon sandbox,
dev JWTs signed with a key generated into the data dir on first start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from attrs import field, frozen

from domain.records import Dataset


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _names(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    known = {str(d) for d in Dataset}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(
            f"SELLERLINK_DATASETS names unknown datasets {unknown}; known: {sorted(known)}"
        )
    return names


@frozen
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path(".sellerlink")
    database_url: str | None = None
    # `k2:<base64url key>,k1:<base64url key>`, newest first (SELLERLINK_ENCRYPTION_KEYS).
    encryption_keys: str | None = field(default=None, repr=False)
    # Amazon: real credentials switch the sandbox off unless `sandbox` says otherwise.
    sandbox: bool = True
    sandbox_base_url: str | None = None
    spapi_application_id: str | None = None
    spapi_client_id: str | None = None
    spapi_client_secret: str | None = field(default=None, repr=False)
    spapi_draft_app: bool = False
    ads_client_id: str | None = None
    ads_client_secret: str | None = field(default=None, repr=False)
    # The newest client secret's rotate-by date (ISO), per app: warnings at 90/30/7 days.
    spapi_client_secret_rotate_by: str | None = None
    ads_client_secret_rotate_by: str | None = None
    public_base_url: str | None = None
    # Authentication.
    jwt_secret: str | None = field(default=None, repr=False)
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwks_url: str | None = None
    dev_auth: bool = True
    # Background work.
    worker_in_process: bool = True
    worker_interval_seconds: float = 2.0
    # A lease around an Amazon call (DESIGN §15) runs out this long after its holder died.
    lease_seconds: float = 20.0
    log_level: str = "INFO"
    # Operations (DESIGN §15): `json` or `console` (default: console on a terminal).
    log_format: str | None = None
    # /metrics: a bearer token to scrape from elsewhere; without one, loopback only.
    metrics_token: str | None = field(default=None, repr=False)
    # OpenTelemetry (the `otel` extra): OTLP/HTTP endpoint; unset = no traces.
    otel_endpoint: str | None = None
    # `sellerlink worker` serves its own /metrics on 127.0.0.1:<port> when set.
    worker_metrics_port: int | None = None
    # Webhook targets the SSRF guard lets through beyond public https (adapters/webhooks/
    # guard.py): `loopback`, `private`, comma-separated. None: `loopback` in sandbox mode
    # (the demo receiver and tests), nothing otherwise.
    webhook_allow: str | None = None
    webhook_timeout_seconds: float = 10.0
    # Which datasets to sync (SELLERLINK_DATASETS, comma separated; None: every one).
    datasets: tuple[str, ...] | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = dict(os.environ if env is None else env)

        def get(name: str) -> str | None:
            value = e.get(f"SELLERLINK_{name}")
            return value if value not in (None, "") else None

        has_real_amazon = bool(get("SPAPI_CLIENT_ID") or get("ADS_CLIENT_ID"))
        has_idp = bool(get("JWKS_URL") or get("JWT_ISSUER"))
        return cls(
            host=get("HOST") or "127.0.0.1",
            port=int(get("PORT") or 8000),
            data_dir=Path(get("DATA_DIR") or ".sellerlink"),
            database_url=get("DATABASE_URL"),
            encryption_keys=get("ENCRYPTION_KEYS"),
            sandbox=_flag(get("SANDBOX"), not has_real_amazon),
            sandbox_base_url=get("SANDBOX_BASE_URL"),
            spapi_application_id=get("SPAPI_APPLICATION_ID"),
            spapi_client_id=get("SPAPI_CLIENT_ID"),
            spapi_client_secret=get("SPAPI_CLIENT_SECRET"),
            spapi_draft_app=_flag(get("SPAPI_DRAFT_APP"), False),
            ads_client_id=get("ADS_CLIENT_ID"),
            ads_client_secret=get("ADS_CLIENT_SECRET"),
            spapi_client_secret_rotate_by=get("SPAPI_CLIENT_SECRET_ROTATE_BY"),
            ads_client_secret_rotate_by=get("ADS_CLIENT_SECRET_ROTATE_BY"),
            public_base_url=get("PUBLIC_BASE_URL"),
            jwt_secret=get("JWT_SECRET"),
            jwt_issuer=get("JWT_ISSUER"),
            jwt_audience=get("JWT_AUDIENCE"),
            jwks_url=get("JWKS_URL"),
            dev_auth=_flag(get("DEV_AUTH"), not has_idp),
            worker_in_process=_flag(get("WORKER_IN_PROCESS"), True),
            worker_interval_seconds=float(get("WORKER_INTERVAL_SECONDS") or 2.0),
            lease_seconds=float(get("LEASE_SECONDS") or 20.0),
            log_level=get("LOG_LEVEL") or "INFO",
            log_format=get("LOG_FORMAT"),
            metrics_token=get("METRICS_TOKEN"),
            otel_endpoint=get("OTEL_ENDPOINT") or e.get("OTEL_EXPORTER_OTLP_ENDPOINT") or None,
            worker_metrics_port=int(get("WORKER_METRICS_PORT") or 0) or None,
            webhook_allow=e.get("SELLERLINK_WEBHOOK_ALLOW"),
            webhook_timeout_seconds=float(get("WEBHOOK_TIMEOUT_SECONDS") or 10.0),
            datasets=_names(get("DATASETS")),
        )

    @property
    def webhook_allowances(self) -> frozenset[str]:
        if self.webhook_allow is None:
            return frozenset({"loopback"}) if self.sandbox else frozenset()
        words = {w.strip().lower() for w in self.webhook_allow.split(",") if w.strip()}
        unknown = words - {"loopback", "private"}
        if unknown:
            raise SystemExit(
                "SELLERLINK_WEBHOOK_ALLOW takes `loopback` and/or `private`, not: "
                + ", ".join(sorted(unknown))
            )
        return frozenset(words)

    @property
    def synced_datasets(self) -> frozenset[Dataset]:
        """SELLERLINK_DATASETS, else every dataset (the sandbox serves them all)."""
        if self.datasets is not None:
            return frozenset(Dataset(name) for name in self.datasets)
        return frozenset(Dataset)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'sellerlink.db').resolve()}"

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"
