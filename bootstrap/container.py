"""The dependency-injector container: the one place where ports meet their adapters.

Its defaults are production's wiring, chosen by Settings: SQLite under the data dir (or
`SELLERLINK_DATABASE_URL`), and either the Amazon sandbox (embedded default: sellerlink's
clock follows the sandbox's simulated clock, API.md) or real Amazon with the wall clock.
Tests and features build the same container with overrides (`in_memory_container()`)
instead of monkeypatching."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from dependency_injector import containers, providers

from adapters.amazon import AmazonHttpGateway, AmazonSettings
from adapters.amazon.rate_limit import RATE_PLANS
from adapters.amazon.sandbox import SANDBOX_PATH, FollowingClock, Sandbox, SandboxClock
from adapters.amazon.sandbox.in_process import InProcessAmazon
from adapters.persistence import Keyring, SqlDatabase, SqlQuickReads, keyring_file
from adapters.persistence.memory import InMemoryDatabase
from adapters.persistence.rate_budget import SqlRateBudget
from adapters.telemetry import OtelTracer, PrometheusMetrics, tracer_provider, tracing_available
from adapters.webhooks import HttpWebhookSender, TargetPolicy, offline_resolver
from application.app import Application
from application.context import Ports
from application.operations import latest_recorded_instant
from application.ports import Clock, IdGenerator, RateBudget, Tracer
from application.telemetry import NullTracer
from bootstrap.settings import Settings
from bootstrap.system import SequentialIds, SettableClock, SystemClock, TokenSecrets, UlidIds
from domain.app_credentials import AppCredential
from domain.errors import ValidationFailed
from domain.grant import Channel
from domain.secret import Secret

KEYRING_FILE = "encryption-keys"


def load_keyring(settings: Settings) -> Keyring:
    """`SELLERLINK_ENCRYPTION_KEYS`, else a keyring generated into the data dir on first
    start (owner-readable only), so the embedded default encrypts with no set-up."""
    if settings.encryption_keys:
        return Keyring.parse(settings.encryption_keys)
    return keyring_file(Path(settings.data_dir) / KEYRING_FILE)


def require_existing_data(settings: Settings) -> None:
    """Support commands and workers use a product that exists: a mistyped
    SELLERLINK_DATA_DIR must not silently start a new, empty one with new keys (only
    `serve` and `db upgrade` create it)."""
    if settings.database_url is not None:
        return
    path = Path(settings.data_dir) / "sellerlink.db"
    if not path.exists():
        raise ValidationFailed(
            f"There is no sellerlink database in SELLERLINK_DATA_DIR={settings.data_dir} "
            f"({path.resolve()} does not exist). Check the setting for a typo; `sellerlink "
            "serve` or `sellerlink db upgrade` creates a new one.",
            context={"field": "SELLERLINK_DATA_DIR"},
        )


def sql_database(settings: Settings, keyring: Keyring, ids: IdGenerator) -> SqlDatabase:
    if settings.database_url is None:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    return SqlDatabase(settings.effective_database_url, keyring, ids=ids)


def quick_reads(database: object) -> SqlQuickReads | None:
    """The team stamp without a unit of work, on SQL (in memory a unit of work is as cheap)."""
    return SqlQuickReads(database.engine) if isinstance(database, SqlDatabase) else None


def _lease_for(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.lease_seconds)


def amazon_settings(settings: Settings) -> AmazonSettings:
    base = settings.base_url.rstrip("/")
    callbacks = {
        "sp_api_redirect_uri": f"{base}/oauth/sp-api/callback",
        "ads_redirect_uri": f"{base}/oauth/amazon-ads/callback",
    }
    if settings.sandbox:
        return AmazonSettings.for_sandbox(sandbox_url(settings), **callbacks)
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
    sp_secrets = _secrets(settings.spapi_client_secret)
    ads_secrets = _secrets(settings.ads_client_secret)
    return AmazonSettings(
        sp_api_application_id=settings.spapi_application_id or "",
        sp_api_client_id=settings.spapi_client_id or "",
        sp_api_client_secret=sp_secrets[0],
        sp_api_previous_client_secrets=sp_secrets[1:],
        sp_api_rotate_by=_date(
            "SELLERLINK_SPAPI_CLIENT_SECRET_ROTATE_BY", settings.spapi_client_secret_rotate_by
        ),
        sp_api_redirect_uri=callbacks["sp_api_redirect_uri"],
        ads_client_id=settings.ads_client_id or "",
        ads_client_secret=ads_secrets[0],
        ads_previous_client_secrets=ads_secrets[1:],
        ads_rotate_by=_date(
            "SELLERLINK_ADS_CLIENT_SECRET_ROTATE_BY", settings.ads_client_secret_rotate_by
        ),
        ads_redirect_uri=callbacks["ads_redirect_uri"],
        sp_api_draft=settings.spapi_draft_app,
    )


def _secrets(value: str | None) -> tuple[Secret, ...]:
    """`new,old`: several client secrets of one app, newest first (a rotation under way)."""
    found = tuple(Secret(v.strip()) for v in (value or "").split(",") if v.strip())
    return found or (Secret(""),)


def _date(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise SystemExit(f"{name} must be a date such as 2027-06-01, not {value!r}") from None


def app_credentials(amazon: AmazonSettings) -> tuple[AppCredential, ...]:
    """What the application may know of the app credentials: counts, fingerprints, dates."""
    return tuple(
        AppCredential(
            channel=channel,
            client_id=amazon.client_id(channel),
            secret_count=len(amazon.client_secrets(channel)),
            fingerprint=amazon.secrets_fingerprint(channel),
            rotate_by=amazon.rotate_by(channel),
        )
        for channel in Channel
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


def sandbox_url(settings: Settings) -> str:
    """Where the sandbox answers: `SELLERLINK_SANDBOX_BASE_URL`, else mounted at /sandbox
    on the public base URL (`http://HOST:PORT` by default)."""
    return settings.sandbox_base_url or f"{settings.base_url.rstrip('/')}{SANDBOX_PATH}"


def resume_sandbox_clock(container: Container) -> datetime | None:
    """The process that owns the sandbox clock (`serve`) starts it where the product's
    recorded time left off, not at the wall clock: the simulated clock may have been
    advanced past now before a restart. Returns the instant it resumed from, if it moved."""
    settings: Settings = container.settings()
    if not settings.sandbox:
        return None
    clock = container.sandbox_clock()
    latest = latest_recorded_instant(container.application().ports)
    if not isinstance(clock, SandboxClock) or latest is None or latest <= clock.now():
        return None
    clock.advance((latest - clock.now()).total_seconds())
    return latest


def follow_sandbox_clock(container: Container) -> None:
    """A process that does not serve the sandbox itself (a worker, the CLI) takes its time
    from the one that does, so advancing the sandbox clock moves every process."""
    settings: Settings = container.settings()
    if settings.sandbox:
        container.clock.override(providers.Singleton(FollowingClock, sandbox_url(settings)))


def rate_budget(database: object, clock: Clock) -> RateBudget | None:
    """The one rate budget (DESIGN §11): on PostgreSQL a row per bucket shared by every
    process; otherwise (SQLite: one process) the Amazon adapter's in-process budget."""
    if isinstance(database, SqlDatabase) and database.dialect == "postgresql":
        return SqlRateBudget(database.engine, lambda: clock.now().timestamp(), RATE_PLANS)
    return None


def webhook_policy(settings: Settings) -> TargetPolicy:
    allow = settings.webhook_allowances
    return TargetPolicy(allow_loopback="loopback" in allow, allow_private="private" in allow)


def webhook_sender(settings: Settings, policy: TargetPolicy) -> HttpWebhookSender:
    return HttpWebhookSender(policy, timeout=settings.webhook_timeout_seconds)


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
    rate_budget = providers.Singleton(rate_budget, database, clock)
    # Waits for the rate budget pass on the same clock the budget counts in: the sandbox's
    # simulated clock (which may run faster than the wall clock), else the wall clock.
    sleep = providers.Selector(
        mode,
        sandbox=sandbox_clock.provided.sleep,
        amazon=providers.Object(time.sleep),
    )
    amazon = providers.Singleton(
        AmazonHttpGateway,
        amazon_settings,
        clock=clock.provided.now,
        metrics=metrics,
        tracer=tracer,
        sleep=sleep,
        budget=rate_budget,
    )

    app_credentials = providers.Singleton(app_credentials, amazon_settings)
    webhook_policy = providers.Singleton(webhook_policy, settings)
    webhook_sender = providers.Singleton(webhook_sender, settings, webhook_policy)

    ports = providers.Singleton(
        Ports,
        uow=database.provided.unit_of_work,
        clock=clock,
        ids=ids,
        secrets=secrets,
        amazon=amazon,
        metrics=metrics,
        tracer=tracer,
        app_credentials=app_credentials,
        webhooks=webhook_sender,
        lease_for=providers.Callable(_lease_for, settings),
        datasets=settings.provided.synced_datasets,
        quick_reads=providers.Singleton(quick_reads, database),
    )
    application = providers.Singleton(Application, ports=ports)


def _sleeper(clock: object) -> Callable[[float], None]:
    """Waiting on a settable clock moves it (as a frozen sandbox clock jumps)."""

    def sleep(seconds: float) -> None:
        if isinstance(clock, SettableClock):
            clock.advance(timedelta(seconds=seconds))

    return sleep


def in_memory_container(
    *, clock: object | None = None, ids: object | None = None, settings: Settings | None = None
) -> Container:
    """Everything in memory, the Amazon sandbox in-process behind the gateway, time
    settable: what unit tests and features run on."""
    container = Container()
    clock = clock or SettableClock()
    # Loopback receivers are what tests and features deliver webhooks to.
    default = Settings(sandbox=False, webhook_allow="loopback")
    container.settings.override(providers.Object(settings or default))
    container.clock.override(providers.Object(clock))
    container.ids.override(providers.Object(ids or SequentialIds()))
    container.database.override(providers.Singleton(InMemoryDatabase, ids=container.ids))
    container.app_credentials.override(providers.Object(()))
    container.amazon.override(providers.Singleton(InProcessAmazon, clock, sleep=_sleeper(clock)))
    # Webhooks go to loopback receivers; no test asks real DNS.
    container.webhook_policy.override(
        providers.Singleton(TargetPolicy, allow_loopback=True, resolver=offline_resolver)
    )
    return container
