"""What Amazon says the account has: advertising profiles and marketplace participations.
Shared by the callback and by Refresh (seed 002: "Click on the purple Refresh button";
seed 000: "Refresh account context")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from application.ports import Participation
from application.unit_of_work import UnitOfWork
from domain.connection import Connection
from domain.grant import Channel
from domain.marketplace import Marketplace
from domain.profile import Profile
from domain.team import Team


def discover_marketplaces(
    uow: UnitOfWork,
    connection: Connection,
    team: Team,
    participations: Sequence[Participation],
    profiles: Sequence[Profile],
    now: datetime,
) -> list[Marketplace]:
    """SP-API participations are the truth about where a seller sells. Without them (a
    seller on Ads only so far; a vendor, whose SP-API is Vendor Central's and has no
    participations, seed 002) the advertising profiles stand in for them. Marketplaces
    already in setup keep their progress and history."""
    existing = {m.marketplace_id: m for m in uow.marketplaces.list_for_connection(connection.id)}
    offers: list[Participation] = list(participations)
    if not offers and (
        not connection.is_seller or not connection.grants[Channel.SP_API].ever_authorized
    ):
        offers = [
            Participation(
                marketplace_id=p.marketplace_id,
                name=f"Amazon {p.country_code}",
                country_code=p.country_code,
                currency_code=p.currency_code,
                participating=True,
            )
            for p in profiles
        ]
    for offer in offers:
        covered = team.covers_country(offer.country_code)
        marketplace = existing.get(offer.marketplace_id)
        if marketplace is None:
            marketplace = Marketplace.discovered(
                connection_id=connection.id,
                marketplace_id=offer.marketplace_id,
                country_code=offer.country_code,
                name=offer.name,
                participating=offer.participating,
                covered_by_plan=covered,
                at=now,
                retry_limit=team.marketplace_retry_limit,
            )
            uow.marketplaces.add(marketplace)
            existing[marketplace.marketplace_id] = marketplace
        else:
            moved = marketplace.rediscover(
                participating=offer.participating, covered_by_plan=covered, at=now
            )
            renamed = bool(participations) and marketplace.name != offer.name
            marketplace.name = offer.name if renamed else marketplace.name
            if moved or renamed:
                uow.marketplaces.update(marketplace)
    return sorted(existing.values(), key=lambda m: m.country_code)


def offer_profiles(
    connection: Connection, team: Team, profiles: Sequence[Profile], now: datetime
) -> bool:
    """Offers Amazon's profiles; returns whether one was selected automatically just now
    (the caller then checks it for active campaigns, seed 002)."""
    selectable = [p for p in profiles if team.covers_country(p.country_code)]
    return connection.offer_profiles(list(profiles), selectable, at=now)
