"""The app's own credentials with Login with Amazon (DESIGN §15): the rules for a rejected
client secret and for the rotate-by date.

Amazon requires an LWA client secret to be rotated every 180 days and warns 90 days before
the old one stops working. sellerlink keeps several secrets per app (newest first), so the
new one is added before the old one is removed and no seller has to authorize again.

When Login with Amazon answers `invalid_client` to every secret, nothing a seller does can
help: it is one app-level alarm (APP_CREDENTIALS_REJECTED), raised once per incident, and
work that needs Amazon backs off in growing steps: at most one try per step reaches LWA,
however many connections and workers need a token. A configuration change (other secrets)
ends the backoff at once; so does the first success.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from attrs import define, frozen

from domain.events import SYSTEM_ACTOR, EventKind, EventSource
from domain.grant import Channel

APP_NAMES = {Channel.SP_API: "SP-API", Channel.ADS: "Amazon Ads"}

# Amazon warns 90 days before a client secret's deadline; sellerlink repeats at 30 and 7.
ROTATION_WARNINGS_DAYS = (90, 30, 7)
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_CAP = timedelta(minutes=30)


@frozen
class AppCredential:
    """What the application knows of one app's configured secrets (never the secrets):
    how many, a fingerprint that changes when they change, and the rotate-by date of the
    newest."""

    channel: Channel
    client_id: str
    secret_count: int
    fingerprint: str
    rotate_by: date | None = None

    def days_left(self, now: datetime) -> int | None:
        if self.rotate_by is None:
            return None
        return (self.rotate_by - now.date()).days

    def warning_stage(self, now: datetime) -> int | None:
        """The smallest threshold (90, 30 or 7 days) already reached, or None."""
        left = self.days_left(now)
        if left is None:
            return None
        reached = [days for days in ROTATION_WARNINGS_DAYS if left <= days]
        return min(reached) if reached else None


def backoff_step(failures: int) -> timedelta:
    """1, 2, 4, ... minutes, at most 30."""
    step: timedelta = BACKOFF_FIRST * (2 ** min(max(0, failures - 1), 10))
    return min(step, BACKOFF_CAP)


@define
class AppCredentialState(EventSource):
    """What every process shares about one app's credentials (a database row). Its
    announcements go to every team with connections on the app (`teams`), so each team's
    event log, and so its webhooks, hear of it."""

    channel: Channel
    rejected_since: datetime | None = None
    next_attempt_at: datetime | None = None
    failures: int = 0
    # The secrets the rejection was about: other secrets are tried at once.
    fingerprint: str = ""
    # Rotate-by warnings already given, as "<rotate_by ISO date>:<days>".
    warned: str = ""
    version: int = 0

    @property
    def rejected(self) -> bool:
        return self.rejected_since is not None

    def blocks(self, now: datetime, fingerprint: str) -> bool:
        """Whether a call to LWA must wait: rejected, the same secrets, within the step."""
        return (
            self.rejected
            and self.fingerprint == fingerprint
            and self.next_attempt_at is not None
            and now < self.next_attempt_at
        )

    def claim_try(self, now: datetime) -> None:
        """A rejected app's one try for this step: the next one waits a step more, so
        others who read this state meanwhile hold back."""
        if self.rejected:
            self.next_attempt_at = now + backoff_step(self.failures + 1)

    def reject(self, now: datetime, fingerprint: str, teams: Sequence[str] = ()) -> bool:
        """Every secret was refused. True when this starts an incident (alarm once)."""
        starts = not self.rejected or self.fingerprint != fingerprint
        if starts:
            self.rejected_since = now
            self.failures = 0
        self.failures += 1
        self.fingerprint = fingerprint
        self.next_attempt_at = now + backoff_step(self.failures)
        if starts:
            self._announce_all(
                teams,
                EventKind.APP_CREDENTIALS_REJECTED,
                f"Amazon rejects sellerlink's {APP_NAMES[self.channel]} app credentials "
                "(APP_CREDENTIALS_REJECTED); work waits until the operator fixes them",
                now,
                {"channel": self.channel, "code": "APP_CREDENTIALS_REJECTED"},
            )
        return starts

    def accept(self, now: datetime, teams: Sequence[str] = ()) -> bool:
        """A secret worked. True when this ends an incident."""
        ended = self.rejected
        self.rejected_since = None
        self.next_attempt_at = None
        self.failures = 0
        if ended:
            self._announce_all(
                teams,
                EventKind.APP_CREDENTIALS_RESTORED,
                f"Amazon accepts sellerlink's {APP_NAMES[self.channel]} app credentials again",
                now,
                {"channel": self.channel},
            )
        return ended

    def _announce_all(
        self,
        teams: Sequence[str],
        kind: EventKind,
        summary: str,
        at: datetime,
        data: dict[str, object],
    ) -> None:
        for team_id in teams:
            self.announce(
                kind, team_id=team_id, actor=SYSTEM_ACTOR, summary=summary, at=at, data=data
            )

    def needs_warning(self, credential: AppCredential, now: datetime) -> int | None:
        """The rotate-by threshold to warn about now, once per threshold and date."""
        stage = credential.warning_stage(now)
        if stage is None or credential.rotate_by is None:
            return None
        mark = f"{credential.rotate_by.isoformat()}:{stage}"
        return None if mark in self.warned.split(",") else stage

    def warned_about(
        self,
        credential: AppCredential,
        stage: int,
        now: datetime,
        teams: Sequence[str] = (),
    ) -> None:
        assert credential.rotate_by is not None
        prefix = credential.rotate_by.isoformat()
        marks = [m for m in self.warned.split(",") if m.startswith(prefix)]
        self.warned = ",".join([*marks, f"{prefix}:{stage}"])
        self._announce_all(
            teams,
            EventKind.APP_CREDENTIALS_EXPIRING,
            f"sellerlink's {APP_NAMES[self.channel]} client secret must be rotated by "
            f"{credential.rotate_by} ({credential.days_left(now)} days); no seller needs to "
            "do anything",
            now,
            {"channel": self.channel, "rotate_by": credential.rotate_by, "threshold_days": stage},
        )
