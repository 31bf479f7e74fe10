"""The dependency-injector container: the one place where ports meet their adapters.

Its defaults are production's wiring, chosen by Settings: SQLite under the data dir (or
`SELLERLINK_DATABASE_URL`), and either the Amazon sandbox (embedded default: sellerlink's
clock follows the sandbox's simulated clock, API.md) or real Amazon with the wall clock.
Tests and features build the same container with overrides (`in_memory_container()`)
instead of monkeypatching."""

from __future__ import annotations

from pathlib import Path

from dependency_injector import containers, providers

from adapters.amazon import AmazonHttpGateway, AmazonSettings
from adapters.amazon.fake import FakeAmazon
from adapters.amazon.sandbox import SANDBOX_PATH, Sandbox, SandboxClock
from adapters.persistence import Keyring, SqlDatabase, keyring_file
from adapters.persistence.memory import InMemoryDatabase
from adapters.telemetry import OtelTracer, PrometheusMetrics, tracer_provider, tracing_available
from application.app import Application
from application.context import Ports
from application.ports import IdGenerator, Tracer
from application.telemetry import NullTracer
from bootstrap.settings import Settings
from bootstrap.system import SequentialIds, SettableClock, SystemClock, TokenSecrets, UlidIds
from domain.secret import Secret

KEYRING_FILE = "encryption-keys"


def load_keyring(settings: Settings) -> Keyring:
    """`SELLERLINK_ENCRYPTION_KEYS`, else a keyring generated into the data dir on first
    start (owner-readable only), so the embedded default encrypts with no set-up."""
    if settings.encryption_keys:
        return Keyring.parse(settings.encryption_keys)
    return keyring_file(Path(settings.data_dir) / KEYRING_FILE)


def sql_database(settings: Settings, keyring: Keyring, ids: IdGenerator) -> SqlDatabase:
    if settings.database_url is None:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    return SqlDatabase(settings.effective_database_url, keyring, ids=ids)


def amazon_settings(settings: Settings) -> AmazonSettings:
    base = settings.base_url.rstrip("/")
    callbacks = {
        "sp_api_redirect_uri": f"{base}/oauth/sp-api/callback",
        "ads_redirect_uri": f"{base}/oauth/amazon-ads/callback",
    }
    if settings.sandbox:
        return AmazonSettings.for_sandbox(
            settings.sandbox_base_url or f"{base}{SANDBOX_PATH}", **callbacks
        )
    missing = [
        name
        for name, value in (
            ("SELLERLINK_SPAPI_APPLICATION_ID", settings.spapi_application_id),
            ("SELLERLINK_SPAPI_CLIENT_ID", settings.spapi_client_id),
            ("SELLERLINK_SPAPI_CLIENT_SECRET", settings.spapi_client_secret),
            ("SELLERLINK_ADS_CLIENT_ID", settings.ads_client_id),
            ("SELLERLINK_ADS_CLIENT_SECRET", settings.ads_client_secret),
        )
        if not value
    ]
    if missing:
        raise SystemExit(
            "Real Amazon needs these settings (or SELLERLINK_SANDBOX=1): " + ", ".join(missing)
        )
    return AmazonSettings(
        sp_api_application_id=settings.spapi_application_id or "",
        sp_api_client_id=settings.spapi_client_id or "",
        sp_api_client_secret=Secret(settings.spapi_client_secret or ""),
        sp_api_redirect_uri=callbacks["sp_api_redirect_uri"],
        ads_client_id=settings.ads_client_id or "",
        ads_client_secret=Secret(settings.ads_client_secret or ""),
        ads_redirect_uri=callbacks["ads_redirect_uri"],
        sp_api_draft=settings.spapi_draft_app,
    )


def tracer_for(settings: Settings) -> Tracer:
    """Traces only when an endpoint is configured and the `otel` extra is installed."""
    if not settings.otel_endpoint:
        return NullTracer()
    if not tracing_available():
        raise SystemExit(
            "SELLERLINK_OTEL_ENDPOINT is set but OpenTelemetry is not installed: "
            "pip install 'sellerlink[otel]'"
        )
    return OtelTracer(tracer_provider(endpoint=settings.otel_endpoint))


def _mode(settings: Settings) -> str:
    return "sandbox" if settings.sandbox else "amazon"


class Container(containers.DeclarativeContainer):
    settings = providers.Singleton(Settings.from_env)
    mode = providers.Callable(_mode, settings)

    sandbox_clock = providers.Singleton(SandboxClock)
    clock = providers.Selector(mode, sandbox=sandbox_clock, amazon=providers.Singleton(SystemClock))
    ids = providers.Singleton(UlidIds)
    secrets = providers.Singleton(TokenSecrets)
    metrics = providers.Singleton(PrometheusMetrics)
    tracer = providers.Singleton(tracer_for, settings)

    keyring = providers.Singleton(load_keyring, settings)
    # The units of work name the audit events they log with the application's ids.
    database = providers.Singleton(sql_database, settings, keyring, ids)

    amazon_settings = providers.Singleton(amazon_settings, settings)
    # The emulator's state, served at /sandbox by `serve` (sandbox mode only).
    sandbox = providers.Singleton(Sandbox, sandbox_clock, amazon_settings)
    amazon = providers.Singleton(
        AmazonHttpGateway,
        amazon_settings,
        clock=clock.provided.now,
        metrics=metrics,
        tracer=tracer,
    )

    ports = providers.Singleton(
        Ports,
        uow=database.provided.unit_of_work,
        clock=clock,
        ids=ids,
        secrets=secrets,
        amazon=amazon,
        metrics=metrics,
        tracer=tracer,
    )
    application = providers.Singleton(Application, ports=ports)


def in_memory_container(
    *, clock: object | None = None, ids: object | None = None, settings: Settings | None = None
) -> Container:
    """Everything in memory, Amazon faked, time settable: what unit tests and features run
    on."""
    container = Container()
    clock = clock or SettableClock()
    container.settings.override(providers.Object(settings or Settings(sandbox=False)))
    container.clock.override(providers.Object(clock))
    container.ids.override(providers.Object(ids or SequentialIds()))
    container.database.override(providers.Singleton(InMemoryDatabase, ids=container.ids))
    container.amazon.override(providers.Singleton(FakeAmazon, clock=clock.now))  # type: ignore[attr-defined]
    return container
