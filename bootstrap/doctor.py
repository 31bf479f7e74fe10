"""`sellerlink doctor`: what is wrong with this installation, each finding with its fix
(DESIGN §15). It only reads: it creates no data dir, no key file and no database, and asks
Login with Amazon nothing that touches a seller.

Checks: configuration, the redirect URIs to register for the public base URL, key files
and their permissions, the database and its migrations (and that this process's keys open
what is stored), the app credentials against Login with Amazon and their rotate-by dates,
the clock against Amazon's, the worker, and the settings every process must share."""

from __future__ import annotations

import hashlib
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from adapters.amazon import AmazonSettings
from adapters.amazon.diagnostics import check_client_secrets
from adapters.cli.operations import DoctorFinding
from adapters.persistence import Keyring, KeyringError, SqlDatabase, missing_key_ids
from bootstrap.container import KEYRING_FILE, Container, amazon_settings, sandbox_url
from bootstrap.settings import Settings
from bootstrap.web import DEV_SECRET_FILE
from domain.app_credentials import ROTATION_WARNINGS_DAYS
from domain.grant import Channel

OK, WARNING, PROBLEM = "ok", "warning", "problem"
SKEW_WARNING_SECONDS = 30.0
SKEW_PROBLEM_SECONDS = 300.0  # Amazon refuses requests signed more than 5 minutes off
SHARED = (
    "SELLERLINK_DATABASE_URL",
    "SELLERLINK_ENCRYPTION_KEYS",
    "SELLERLINK_SANDBOX / SELLERLINK_SANDBOX_BASE_URL (or the serve's HOST and PORT)",
    "SELLERLINK_PUBLIC_BASE_URL",
    "the Amazon app settings (SELLERLINK_SPAPI_*, SELLERLINK_ADS_*)",
    "SELLERLINK_WORKER_INTERVAL_SECONDS",
)
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def run_doctor(container: Container) -> list[DoctorFinding]:
    settings: Settings = container.settings()
    findings: list[DoctorFinding] = []
    amazon = _configuration(settings, findings)
    _redirect_uris(settings, amazon, findings)
    keyring = _keys(settings, findings)
    _database(settings, keyring, findings)
    if amazon is not None:
        _app_credentials(settings, amazon, findings)
    _worker(settings, findings)
    _shared(settings, keyring, amazon, findings)
    return findings


def _add(
    findings: list[DoctorFinding], check: str, status: str, detail: str, fix: str = ""
) -> None:
    findings.append(DoctorFinding(check=check, status=status, detail=detail, fix=fix))


def _configuration(settings: Settings, findings: list[DoctorFinding]) -> AmazonSettings | None:
    try:
        amazon = amazon_settings(settings)
    except SystemExit as refused:
        _add(
            findings,
            "configuration",
            PROBLEM,
            str(refused),
            "Set the missing SELLERLINK_* settings, or SELLERLINK_SANDBOX=1 to use the sandbox.",
        )
        return None
    mode = "the Amazon sandbox" if settings.sandbox else "real Amazon"
    _add(findings, "configuration", OK, f"Talks to {mode}; API on {settings.host}:{settings.port}.")
    if settings.dev_auth and settings.host not in _LOOPBACK:
        _add(
            findings,
            "configuration",
            WARNING,
            f"Development tokens are accepted and the API listens on {settings.host}.",
            "Set SELLERLINK_JWKS_URL and SELLERLINK_JWT_ISSUER (your identity provider), "
            "which turns development tokens off.",
        )
    if not settings.metrics_token and settings.host not in _LOOPBACK:
        _add(
            findings,
            "configuration",
            WARNING,
            "/metrics answers loopback only; a scraper on another host is refused.",
            "Set SELLERLINK_METRICS_TOKEN and give it to your Prometheus scraper.",
        )
    return amazon


def _redirect_uris(
    settings: Settings, amazon: AmazonSettings | None, findings: list[DoctorFinding]
) -> None:
    if amazon is None:
        return
    uris = (
        f"SP-API app: {amazon.sp_api_redirect_uri}; Ads security profile: {amazon.ads_redirect_uri}"
    )
    url = httpx.URL(settings.base_url)
    if not settings.sandbox and url.scheme != "https" and url.host not in _LOOPBACK:
        _add(
            findings,
            "redirect_uris",
            PROBLEM,
            f"The public base URL {settings.base_url} is not https; Amazon refuses such "
            "redirect URIs.",
            "Serve sellerlink behind TLS and set SELLERLINK_PUBLIC_BASE_URL=https://...",
        )
    elif not settings.sandbox and settings.public_base_url is None:
        _add(
            findings,
            "redirect_uris",
            WARNING,
            f"SELLERLINK_PUBLIC_BASE_URL is not set; the redirect URIs use {settings.base_url}.",
            "Set SELLERLINK_PUBLIC_BASE_URL to the address people's browsers reach.",
        )
    _add(findings, "redirect_uris", OK, "Register exactly these redirect URIs with Amazon: " + uris)


def _mode_problem(path: Path) -> str | None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return f"{path} is readable by others (mode {mode:o})"
    return None


def _keys(settings: Settings, findings: list[DoctorFinding]) -> Keyring | None:
    data_dir = Path(settings.data_dir)
    if settings.encryption_keys:
        try:
            keyring = Keyring.parse(settings.encryption_keys)
        except KeyringError as error:
            _add(
                findings,
                "keys",
                PROBLEM,
                f"SELLERLINK_ENCRYPTION_KEYS: {error}",
                "Give `id:<32 bytes base64url>` entries, newest first, comma-separated.",
            )
            return None
        _add(
            findings,
            "keys",
            OK,
            f"Encryption keys from SELLERLINK_ENCRYPTION_KEYS: {list(keyring.ids)}.",
        )
        return keyring
    path = data_dir / KEYRING_FILE
    if not path.exists():
        _add(
            findings,
            "keys",
            PROBLEM if data_dir.exists() else WARNING,
            f"No key file at {path} (SELLERLINK_DATA_DIR={settings.data_dir}).",
            "Check SELLERLINK_DATA_DIR for a typo; `sellerlink serve` creates the file on a "
            "first start, or set SELLERLINK_ENCRYPTION_KEYS.",
        )
        return None
    keyring = Keyring.parse(path.read_text(encoding="utf-8").strip())
    loose = [p for p in (path, data_dir / DEV_SECRET_FILE) if p.exists() and _mode_problem(p)]
    for loose_path in loose:
        _add(findings, "keys", PROBLEM, str(_mode_problem(loose_path)), f"chmod 600 {loose_path}")
    if not loose:
        _add(findings, "keys", OK, f"Key file {path} (ids {list(keyring.ids)}), owner-only.")
    return keyring


def _database(settings: Settings, keyring: Keyring | None, findings: list[DoctorFinding]) -> None:
    url = settings.effective_database_url
    shown = make_url(url).render_as_string(hide_password=True)
    if settings.database_url is None and not (Path(settings.data_dir) / "sellerlink.db").exists():
        _add(
            findings,
            "database",
            PROBLEM,
            f"No database at {shown}.",
            "Check SELLERLINK_DATA_DIR (a typo makes a new, empty product), or run "
            "`sellerlink db upgrade` for a new installation.",
        )
        return
    database = SqlDatabase(url, keyring or Keyring.generate("doctor"))
    try:
        current, head = database.current_revision(), database.head_revision()
        if current != head:
            _add(
                findings,
                "migrations",
                PROBLEM,
                f"The database is at revision {current}, this sellerlink needs {head}.",
                "Run `sellerlink db upgrade` (once, from one process).",
            )
        else:
            _add(findings, "database", OK, f"{shown} answers, migrations current ({head}).")
        if keyring is not None:
            missing = missing_key_ids(database)
            if missing:
                _add(
                    findings,
                    "keys",
                    PROBLEM,
                    f"Stored tokens are sealed with key(s) {sorted(missing)} this process "
                    f"does not have (it has {list(keyring.ids)}).",
                    "Give every process the same SELLERLINK_ENCRYPTION_KEYS.",
                )
    except Exception as error:  # unreachable, refused, wrong password
        _add(
            findings,
            "database",
            PROBLEM,
            f"{shown} does not answer ({type(error).__name__}).",
            "Check SELLERLINK_DATABASE_URL, the network and the credentials.",
        )
    finally:
        database.dispose()


def _app_credentials(
    settings: Settings, amazon: AmazonSettings, findings: list[DoctorFinding]
) -> None:
    today = datetime.now(UTC).date()
    names = {Channel.SP_API: ("SP-API", "SPAPI"), Channel.ADS: ("Amazon Ads", "ADS")}
    skews: list[float] = []
    for channel in Channel:
        name, var = names[channel]
        report = check_client_secrets(amazon, channel)
        accepted = [v.position for v in report.verdicts if v.verdict == "accepted"]
        for verdict in report.verdicts:
            label = f"{name} client secret #{verdict.position} (1 = newest)"
            if verdict.verdict == "accepted":
                _add(findings, "app_credentials", OK, f"{label}: accepted by Login with Amazon.")
            elif verdict.verdict == "unreachable":
                _add(
                    findings,
                    "app_credentials",
                    PROBLEM,
                    f"AMAZON_UNAVAILABLE: Login with Amazon at {verdict.detail} does not answer.",
                    _reach_fix(settings),
                )
            else:
                status = PROBLEM if verdict.position == 1 or not accepted else WARNING
                _add(
                    findings,
                    "app_credentials",
                    status,
                    f"{label}: {verdict.detail}.",
                    "Create a new client secret and put it first in "
                    f"SELLERLINK_{var}_CLIENT_SECRET (README: rotating an LWA client "
                    "secret); remove secrets Amazon no longer accepts.",
                )
        if report.skew_seconds is not None:
            skews.append(report.skew_seconds)
        _rotation(findings, name, var, amazon.rotate_by(channel), today)
    if skews:
        _clock(findings, max(skews, key=abs))


def _reach_fix(settings: Settings) -> str:
    if settings.sandbox:
        return (
            f"Start `sellerlink serve` (the sandbox answers at {sandbox_url(settings)}), and give "
            "this process the serve's SELLERLINK_HOST/SELLERLINK_PORT or "
            "SELLERLINK_SANDBOX_BASE_URL."
        )
    return "Check this host's network access to Amazon (HTTPS to api.amazon.com and friends)."


def _rotation(
    findings: list[DoctorFinding], name: str, var: str, rotate_by: date | None, today: date
) -> None:
    if rotate_by is None:
        _add(
            findings,
            "app_credentials",
            WARNING if var == "SPAPI" else OK,
            f"No rotate-by date for the {name} client secret.",
            f"Set SELLERLINK_{var}_CLIENT_SECRET_ROTATE_BY to the date Amazon gives for it "
            "(secrets must be rotated every 180 days).",
        )
        return
    left = (rotate_by - today).days
    if left < 0:
        status = PROBLEM
    elif left <= max(ROTATION_WARNINGS_DAYS):
        status = WARNING
    else:
        status = OK
    _add(
        findings,
        "app_credentials",
        status,
        f"The {name} client secret must be rotated by {rotate_by} ({left} days).",
        "" if status == OK else "Rotate it now: README, 'rotating an LWA client secret'.",
    )


def _clock(findings: list[DoctorFinding], skew: float) -> None:
    if abs(skew) >= SKEW_PROBLEM_SECONDS:
        status = PROBLEM
    elif abs(skew) >= SKEW_WARNING_SECONDS:
        status = WARNING
    else:
        status = OK
    _add(
        findings,
        "clock",
        status,
        f"This host's clock is {-skew:+.1f} s off Amazon's.",
        "" if status == OK else "Run NTP (chrony, systemd-timesyncd) on this host.",
    )


def _worker(settings: Settings, findings: list[DoctorFinding]) -> None:
    url = settings.base_url.rstrip("/") + "/ready"
    try:
        ready = httpx.get(url, timeout=3.0)
        checks = ready.json().get("checks", {})
    except (httpx.HTTPError, ValueError, AttributeError):
        _add(
            findings,
            "worker",
            WARNING,
            f"The API at {url} does not answer; worker not checked.",
            "Start `sellerlink serve`, or run doctor with the serve's SELLERLINK_HOST/PORT.",
        )
        return
    for problem in ready.json().get("problems") or []:
        _add(
            findings,
            str(problem.get("check")),
            PROBLEM,
            f"/ready: {problem.get('code')}: {problem.get('detail')}",
            "See the README's operations section for this code.",
        )
    if checks.get("worker") == "ok":
        _add(findings, "worker", OK, "The API's in-process worker is running.")
    elif "worker" in checks:
        _add(
            findings,
            "worker",
            PROBLEM,
            "The API's in-process worker is not running.",
            "Restart `sellerlink serve`; its log says why the worker stopped.",
        )
    elif settings.effective_database_url.startswith("postgresql"):
        _procrastinate_workers(settings, findings)
    else:
        _add(
            findings,
            "worker",
            WARNING,
            "The API runs without an in-process worker (SELLERLINK_WORKER_IN_PROCESS=0).",
            "Run `sellerlink worker` beside it.",
        )


def _procrastinate_workers(settings: Settings, findings: list[DoctorFinding]) -> None:
    import psycopg

    url = settings.effective_database_url.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            row = connection.execute(
                "SELECT count(*) FROM procrastinate_workers "
                "WHERE last_heartbeat > now() - interval '60 seconds'"
            ).fetchone()
        alive = int(row[0]) if row else 0
    except Exception as error:  # no procrastinate schema yet, or no access
        _add(
            findings,
            "worker",
            WARNING,
            f"Cannot read the workers' heartbeats ({type(error).__name__}).",
            "Start `sellerlink worker` (it installs its tables).",
        )
        return
    if alive:
        _add(findings, "worker", OK, f"{alive} worker(s) sent a heartbeat in the last minute.")
    else:
        _add(
            findings,
            "worker",
            PROBLEM,
            "No worker sent a heartbeat in the last minute.",
            "Start `sellerlink worker` (as many as you like) with the API's settings.",
        )


def _shared(
    settings: Settings,
    keyring: Keyring | None,
    amazon: AmazonSettings | None,
    findings: list[DoctorFinding],
) -> None:
    """A line to compare across hosts: run `doctor` everywhere, the lines must be equal."""
    parts = [
        "database="
        + make_url(settings.effective_database_url).render_as_string(hide_password=True),
        "keys=" + ",".join(keyring.ids if keyring else ["?"]),
        "amazon=" + (sandbox_url(settings) if settings.sandbox else "real"),
        "public_base_url=" + settings.base_url,
    ]
    if amazon is not None:
        parts += [f"{c}_secrets={amazon.secrets_fingerprint(c)}" for c in Channel]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]
    _add(
        findings,
        "shared_settings",
        OK,
        f"Fingerprint {digest} ({'; '.join(parts)}).",
        "Every process must show the same fingerprint; they share: " + ", ".join(SHARED) + ".",
    )
