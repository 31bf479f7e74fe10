"""The app's own LWA credentials (DESIGN §15): the gate every access-token
refresh passes, the readiness check, and the rotate-by warnings.

One alarm per incident: the first refresh that finds every client secret refused turns the
shared state to rejected and records `app.credentials_rejected` (once for each team with
connections on that app, so each team's event log and webhooks hear of it); from then on a
refresh waits for its backoff step without calling Amazon, and only the process that claims
a step's try (under the state's row lock) asks LWA again. The first success, or different
secrets in the configuration, ends it (`app.credentials_restored`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from attrs import define, frozen

from application.context import Ports
from application.unit_of_work import UnitOfWork
from domain.app_credentials import APP_NAMES as _NAMES
from domain.app_credentials import AppCredential, AppCredentialState
from domain.errors import AppCredentialsRejected
from domain.grant import Channel


def credential_of(ports: Ports, channel: Channel) -> AppCredential | None:
    return next((c for c in ports.app_credentials if c.channel is channel), None)


def _fingerprint(ports: Ports, channel: Channel) -> str:
    credential = credential_of(ports, channel)
    return credential.fingerprint if credential is not None else ""


def _teams_using(uow: UnitOfWork, channel: Channel) -> list[str]:
    return sorted(
        {c.team_id for c in uow.connections.list_all() if c.grants[channel].ever_authorized}
    )


@define
class AppCredentialGate:
    """Called by GetAccessToken around each LWA refresh, inside its unit of work."""

    ports: Ports

    def before_refresh(self, uow: UnitOfWork, channel: Channel, now: datetime) -> None:
        fingerprint = _fingerprint(self.ports, channel)
        state = uow.app_credentials.get(channel)
        if state is None or not state.rejected:
            return
        if not state.blocks(now, fingerprint):
            state = uow.app_credentials.get(channel, for_update=True) or state
            if not state.blocks(now, fingerprint):
                state.claim_try(now)
                uow.app_credentials.put(state)
                return
        self.ports.metrics.lwa_refresh(str(channel), "backing_off")
        raise AppCredentialsRejected(
            f"Login with Amazon rejected every {_NAMES[channel]} client secret; the next "
            f"try is at {state.next_attempt_at:%Y-%m-%d %H:%M} UTC.",
            context={"channel": str(channel)},
        )

    def rejected(self, uow: UnitOfWork, channel: Channel, now: datetime) -> None:
        state = uow.app_credentials.get(channel, for_update=True) or AppCredentialState(channel)
        if not state.rejected or state.fingerprint != _fingerprint(self.ports, channel):
            teams = _teams_using(uow, channel)  # read only when an incident starts
        else:
            teams = []
        state.reject(now, _fingerprint(self.ports, channel), teams)
        uow.app_credentials.put(state)

    def succeeded(self, uow: UnitOfWork, channel: Channel, now: datetime) -> None:
        state = uow.app_credentials.get(channel)
        if state is None or not state.rejected:
            return
        state = uow.app_credentials.get(channel, for_update=True) or state
        if state.rejected:
            state.accept(now, _teams_using(uow, channel))
            uow.app_credentials.put(state)


@frozen
class CredentialFinding:
    channel: Channel
    code: str  # APP_CREDENTIALS_REJECTED | APP_CREDENTIALS_EXPIRING
    detail: str
    problem: bool


@define
class CheckAppCredentials:
    """What /ready, /metrics and `doctor` say about the app credentials."""

    ports: Ports

    def __call__(self) -> list[CredentialFinding]:
        now = self.ports.clock.now()
        findings = []
        with self.ports.uow() as uow:
            states = {c: uow.app_credentials.get(c) for c in Channel}
        for channel in Channel:
            state = states[channel]
            if state is not None and state.rejected:
                findings.append(
                    CredentialFinding(
                        channel,
                        "APP_CREDENTIALS_REJECTED",
                        f"Login with Amazon rejects every {_NAMES[channel]} client secret "
                        f"since {state.rejected_since:%Y-%m-%d %H:%M} UTC.",
                        problem=True,
                    )
                )
        for credential in self.ports.app_credentials:
            left = credential.days_left(now)
            if credential.warning_stage(now) is not None and left is not None:
                findings.append(
                    CredentialFinding(
                        credential.channel,
                        "APP_CREDENTIALS_EXPIRING",
                        f"Rotate the {_NAMES[credential.channel]} client secret by "
                        f"{credential.rotate_by} ({left} days left).",
                        problem=left < 0,
                    )
                )
        return findings

    def rejected(self) -> dict[str, int]:
        found = {f.channel for f in self() if f.code == "APP_CREDENTIALS_REJECTED"}
        return {str(c): int(c in found) for c in Channel}

    def days_left(self) -> dict[str, float]:
        now = self.ports.clock.now()
        return {
            str(c.channel): float(left)
            for c in self.ports.app_credentials
            if (left := c.days_left(now)) is not None
        }


def due_rotation_warnings(ports: Ports, uow: UnitOfWork, now: datetime) -> Iterable[Channel]:
    for credential in ports.app_credentials:
        state = uow.app_credentials.get(credential.channel) or AppCredentialState(
            credential.channel
        )
        if state.needs_warning(credential, now) is not None:
            yield credential.channel


@define
class WarnAppCredentialsExpiry:
    """A rotate-by threshold reached (90, 30, 7 days): one `app.credentials_expiring`
    event for each team with connections on that app, once per threshold."""

    ports: Ports

    def __call__(self, channel: Channel) -> int:
        credential = credential_of(self.ports, channel)
        if credential is None:
            return 0
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            state = uow.app_credentials.get(channel, for_update=True) or AppCredentialState(channel)
            stage = state.needs_warning(credential, now)
            if stage is None:
                return 0
            teams = _teams_using(uow, channel)
            state.warned_about(credential, stage, now, teams)
            uow.app_credentials.put(state)
            uow.commit()
        return len(teams)
