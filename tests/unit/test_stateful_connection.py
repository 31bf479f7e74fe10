"""Token and connection health under random sequences of actions (DESIGN §2; seeds 001, 002,
004): authorize either channel, let time pass (up to past the 365-day SP-API authorization),
Amazon revoking a grant, access-token refreshes, disconnecting and reconnecting.

Whatever happens, each grant's words match its status ("No token present", "Current",
"expires in N days|hours", "Expired", "Revoked"), the countdown never goes up without a new
consent, and the connection's health is the worst of its required grants."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.connection import AccountType, Connection, Health, Region
from domain.errors import DomainError, ErrorCode
from domain.grant import EXPIRY_WARNING, Channel, Consent, TokenStatus
from domain.secret import Secret
from tests.state_machines import machine_settings

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ACCOUNT = "A1SBXUSSELLER01"
OTHER_ACCOUNT = "A1SBXMULTIPROF1"
TEXTS = {
    TokenStatus.MISSING: re.compile(r"No token present"),
    TokenStatus.CURRENT: re.compile(r"Current"),
    TokenStatus.EXPIRING: re.compile(r"expires in (\d+) (day|hour)s?"),
    TokenStatus.EXPIRED: re.compile(r"Expired"),
    TokenStatus.REVOKED: re.compile(r"Revoked"),
}
DURATIONS = st.one_of(
    st.integers(min_value=1, max_value=59).map(lambda m: timedelta(minutes=m)),
    st.integers(min_value=1, max_value=47).map(lambda h: timedelta(hours=h)),
    st.integers(min_value=1, max_value=400).map(lambda d: timedelta(days=d)),
    st.sampled_from([timedelta(days=335), timedelta(days=364, hours=23), timedelta(days=365)]),
)


def expected_health(connection: Connection, now: datetime) -> Health:
    """The oracle, written from DESIGN §2 independently of Connection.health_at."""
    if connection.disconnected_at is not None:
        return Health.DISCONNECTED
    statuses = [
        (connection.grants[c].status_at(now).status, connection.grants[c].ever_authorized)
        for c in connection.required_channels
    ]
    if any(
        s in (TokenStatus.REVOKED, TokenStatus.EXPIRED) or (s is TokenStatus.MISSING and ever)
        for s, ever in statuses
    ):
        return Health.RECONNECT_REQUIRED
    if any(s is TokenStatus.MISSING for s, _ in statuses):
        return Health.INCOMPLETE
    if any(s is TokenStatus.EXPIRING for s, _ in statuses):
        return Health.EXPIRING
    return Health.CONNECTED


class ConnectionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.connection: Connection
        self.tokens = 0
        # channel -> (authorized_at, the last countdown shown, in hours)
        self.countdown: dict[Channel, tuple[datetime | None, float]] = {}

    @initialize(account_type=st.sampled_from(AccountType))
    def create(self, account_type: AccountType) -> None:
        self.connection = Connection(
            id="con_1",
            team_id="team_1",
            account_type=account_type,
            region=Region.NA,
            created_at=self.now,
        )

    def token(self) -> Secret:
        self.tokens += 1
        return Secret(f"Atzr|{self.tokens}")

    @rule(channel=st.sampled_from(Channel), same_account=st.booleans())
    def authorize(self, channel: Channel, same_account: bool) -> None:
        seller = self.connection.account_type is AccountType.SELLER
        ids = {
            Channel.SP_API: self.connection.selling_partner_id,
            Channel.ADS: self.connection.ads_account_id,
        }
        other = Channel.ADS if channel is Channel.SP_API else Channel.SP_API
        # The connection's own account: what it already holds for this channel, else (for
        # a seller) its other channel's account, else the first sign-in defines it.
        own = ids[channel] or (ids[other] if seller else None)
        if own is None:
            own = ACCOUNT if seller or channel is Channel.SP_API else f"ENTITY{ACCOUNT}"
        self.tokens += 1
        account = own if same_account else f"{OTHER_ACCOUNT}{self.tokens}"
        must_refuse = not same_account and (
            ids[channel] is not None or (seller and ids[other] is not None)
        )
        before = self.connection.health_at(self.now)
        try:
            consent = Consent(
                refresh_token=self.token(),
                scopes=("scope",),
                account_id=account,
                access_token=Secret("Atza|x"),
                access_token_expires_at=self.now + timedelta(hours=1),
            )
            gap = self.connection.authorize(channel, consent, at=self.now)
        except DomainError as error:
            refused = error
        else:
            refused = None
        if refused is not None:
            assert must_refuse, refused
            expected = ErrorCode.WRONG_ACCOUNT if ids[channel] else ErrorCode.ADS_SP_MISMATCH
            assert refused.code is expected
            assert self.connection.health_at(self.now) is before
            return
        assert not must_refuse, "another Amazon account was accepted"
        grant = self.connection.grant(channel)
        assert grant.status_at(self.now).status is TokenStatus.CURRENT
        assert grant.authorized_at == self.now
        if gap is not None:
            assert gap <= self.now
            assert self.connection.unusable_since is None
        if channel is Channel.SP_API:
            assert self.connection.selling_partner_id == account

    @rule(duration=DURATIONS)
    def time_passes(self, duration: timedelta) -> None:
        self.now += duration

    @rule(remaining=st.integers(min_value=-600, max_value=31 * 24 * 60))
    def time_runs_up_to_the_sp_api_expiry(self, remaining: int) -> None:
        """Most interesting moments are in the last 30 days: jump close to them."""
        expires_at = self.connection.grant(Channel.SP_API).expires_at
        if expires_at is not None:
            self.now = max(self.now, expires_at - timedelta(minutes=remaining))

    @rule(channel=st.sampled_from(Channel))
    def amazon_refuses_the_refresh_token(self, channel: Channel) -> None:
        grant = self.connection.grant(channel)
        if grant.refresh_token is None:
            return  # nothing to refresh, so nothing Amazon could refuse
        grant.revoke(at=self.now)
        self.connection.mark_unusable(self.now)
        assert not grant.status_at(self.now).usable
        assert grant.cached_access_token(self.now) is None

    @rule(channel=st.sampled_from(Channel))
    def access_token_refreshed(self, channel: Channel) -> None:
        grant = self.connection.grant(channel)
        if not self.connection.usable_at(self.now, channel):
            return  # the use case never asks Amazon with an unusable grant
        status = grant.status_at(self.now)
        grant.record_refresh(
            access_token=Secret("Atza|y"), expires_at=self.now + timedelta(hours=1), at=self.now
        )
        assert grant.status_at(self.now) == status  # a refresh is not a new consent
        assert grant.cached_access_token(self.now) is not None

    @rule()
    def disconnect(self) -> None:
        self.connection.disconnect(self.now)
        assert self.connection.health_at(self.now) is Health.DISCONNECTED
        for channel in Channel:
            assert self.connection.grant(channel).refresh_token is None
            assert self.connection.grant(channel).cached_access_token(self.now) is None
            assert not self.connection.usable_at(self.now, channel)

    # ---- invariants ------------------------------------------------------------------

    @invariant()
    def health_is_the_worst_required_grant(self) -> None:
        health = self.connection.health_at(self.now)
        event(f"health {health}")
        assert health is expected_health(self.connection, self.now)
        if health in (Health.CONNECTED, Health.EXPIRING):
            for channel in self.connection.required_channels:
                assert self.connection.usable_at(self.now, channel)

    @invariant()
    def words_match_the_status(self) -> None:
        for channel, grant in self.connection.grants.items():
            report = grant.status_at(self.now)
            event(f"{channel} {report.status}")
            match = TEXTS[report.status].fullmatch(report.text)
            assert match, (report.status, report.text)
            assert report.usable == self.connection.grants[channel].status_at(self.now).usable
            if report.status is TokenStatus.EXPIRING:
                assert grant.expires_at is not None
                remaining = grant.expires_at - self.now
                assert timedelta(0) < remaining < EXPIRY_WARNING
                amount, unit = int(match[1]), match[2]
                hours = amount * 24 if unit == "day" else amount
                # Days are floored, hours rounded up: never more time than there is.
                if unit == "day":
                    assert timedelta(hours=hours) <= remaining < timedelta(hours=hours + 24)
                else:
                    assert timedelta(hours=hours - 1) < remaining <= timedelta(hours=hours)
                previous = self.countdown.get(channel)
                if previous is not None and previous[0] == grant.authorized_at:
                    assert hours <= previous[1]
                self.countdown[channel] = (grant.authorized_at, hours)
            if report.status is TokenStatus.CURRENT and grant.expires_at is not None:
                assert grant.expires_at - self.now >= EXPIRY_WARNING

    @invariant()
    def sp_api_authorizations_last_365_days(self) -> None:
        grant = self.connection.grant(Channel.SP_API)
        if grant.authorized_at is not None:
            assert grant.expires_at == grant.authorized_at + timedelta(days=365)
        ads = self.connection.grant(Channel.ADS)
        assert ads.expires_at is None


ConnectionMachine.TestCase.settings = machine_settings(300)
TestConnectionHealthStateMachine = ConnectionMachine.TestCase
