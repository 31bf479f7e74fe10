"""Domain objects for the persistence tests, built the way the use cases build them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.authorization import AuthorizationRequest, ConsentAsk
from domain.connection import AccountType, Connection, Region
from domain.grant import Channel, Consent
from domain.marketplace import Marketplace
from domain.profile import AdsAccountType, Profile
from domain.secret import Secret
from domain.team import Membership, Role, Team, TeamKind
from harness.seeds import listed_marketplace

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)


def team(team_id: str = "team_1", **changes: object) -> Team:
    values: dict[str, object] = {"id": team_id, "name": "Acme", "kind": TeamKind.BRAND}
    values.update(changes)
    return Team(created_at=NOW, **values)  # type: ignore[arg-type]


def membership(team_id: str, user_id: str, role: Role = Role.ADMIN) -> Membership:
    return Membership(team_id=team_id, user_id=user_id, role=role, joined_at=NOW)


def profile(profile_id: str, country: str = "US") -> Profile:
    return Profile(
        profile_id=profile_id,
        country_code=country,
        currency_code="USD",
        marketplace_id="ATVPDKIKX0DER",
        account_type=AdsAccountType.SELLER,
        account_name=f"Acme {country}",
        account_id="ENTITY1",
        timezone="America/Los_Angeles",
    )


def connection(
    connection_id: str = "con_1",
    team_id: str = "team_1",
    *,
    selling_partner_id: str | None = "",
    ads_account_id: str | None = "",
    at: datetime = NOW,
    refresh_token: str = "Atzr|refresh-sp",
    access_token: str | None = "Atza|access-sp",
    access_expires_in: timedelta = timedelta(hours=1),
    account_type: AccountType = AccountType.SELLER,
    region: Region = Region.NA,
) -> Connection:
    """A seller connection with both channels authorized and two Ads profiles. Its account
    ids default to ones derived from its id: two live connections of one account cannot
    exist (ACCOUNT_IN_USE), so tests that want that clash name the ids."""
    if selling_partner_id == "":
        selling_partner_id = f"A1-{connection_id}"
    if ads_account_id == "":
        ads_account_id = f"ENTITY-{connection_id}"
    made = Connection(
        id=connection_id,
        team_id=team_id,
        account_type=account_type,
        region=region,
        created_at=at,
        display_name="Acme US",
    )
    sp_api = Consent(
        refresh_token=Secret(refresh_token),
        scopes=("sellingpartnerapi::notifications",),
        account_id=selling_partner_id,
        access_token=Secret(access_token) if access_token else None,
        access_token_expires_at=at + access_expires_in if access_token else None,
    )
    made.authorize(Channel.SP_API, sp_api, at=at)
    ads = Consent(
        refresh_token=Secret(refresh_token.replace("sp", "ads")),
        scopes=("advertising::campaign_management",),
        account_id=None,
        access_token=Secret(access_token.replace("sp", "ads")) if access_token else None,
        access_token_expires_at=at + access_expires_in if access_token else None,
    )
    made.authorize(Channel.ADS, ads, at=at)
    # The Ads entity id and the selling partner id differ in form (AMAZON.md: compared only
    # when both are present); the repository stores whatever the use case recorded.
    made.ads_account_id = ads_account_id
    made.grants[Channel.ADS].account_id = ads_account_id
    made.offer_profiles([profile("111", "US"), profile("222", "CA")], [], at=NOW)
    made.selected_profile_id = "222"
    made.take_events()  # a connection as stored; how it got there is not these tests' subject
    return made


def marketplace(connection_id: str = "con_1", marketplace_id: str = "ATVPDKIKX0DER") -> Marketplace:
    return listed_marketplace(connection_id, NOW, marketplace_id)


def state(n: int = 1) -> str:
    return f"{n:04d}".ljust(43, "s")


def authorization(
    n: int = 1,
    team_id: str = "team_1",
    *,
    verifier: str | None = "pkce-verifier-abcdefghijklmnopqrstuvwxyz0123456789",
    at: datetime = NOW,
    connection_id: str | None = None,
) -> AuthorizationRequest:
    ask = ConsentAsk(
        channel=Channel.ADS,
        region=Region.NA,
        account_type=AccountType.SELLER,
        marketplace_id="ATVPDKIKX0DER",
        return_to="/settings/amazon",
        connection_id=connection_id,
    )
    return AuthorizationRequest.start(
        state=state(n),
        team_id=team_id,
        user_id="user_1",
        ask=ask,
        at=at,
        code_verifier=Secret(verifier) if verifier else None,
    )


def store(database: Any, *connections: Connection, teams: tuple[str, ...] = ("team_1",)) -> None:
    """`teams` and `connections` committed in one unit of work."""
    with database.unit_of_work() as uow:
        for team_id in teams:
            uow.teams.add(team(team_id))
        for made in connections:
            uow.connections.add(made)
        uow.commit()
