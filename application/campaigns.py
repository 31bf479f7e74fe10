"""The NO_ACTIVE_CAMPAIGNS warning (seed 002: "At the time of connecting your account, you
should have active advertising campaigns. If otherwise, create a campaign from Amazon to
activate advertising, and allow up to 24 hours for the data to sync").

Asked once a profile is selected, automatically in the callback or by the person. It is a
warning (the catalogue's spec says so): the selection stands whatever Amazon answers, an
Amazon that cannot say leaves no warning, and no transaction is open while Amazon is asked.
"""

from __future__ import annotations

from application.context import Ports
from domain.connection import Region
from domain.errors import DomainError, ErrorCode
from domain.secret import Secret


def warn_without_active_campaigns(
    ports: Ports,
    *,
    team_id: str,
    connection_id: str,
    region: Region,
    access_token: Secret,
    profile_id: str,
) -> tuple[ErrorCode, ...]:
    """Asks Amazon about the selected profile; when it has no active campaign, records a
    WARNING event for support's timeline and returns the code to show the person."""
    try:
        active = ports.amazon.has_active_campaigns(region, access_token, profile_id)
    except DomainError:
        active = None  # the port promises not to raise; a warning is never worth a failure
    if active is not False:
        return ()
    code = ErrorCode.NO_ACTIVE_CAMPAIGNS
    with ports.uow() as uow:
        connection = uow.connections.get(connection_id)
        if connection is None or connection.team_id != team_id:
            return (code,)  # disconnected meanwhile: the person is still told
        connection.warn(
            code,
            summary=f"Profile {profile_id} has no active campaigns: create one on Amazon; "
            "data may take up to 24 hours to appear",
            at=ports.clock.now(),
            data={"profile_id": profile_id},
        )
        uow.commit()
    return (code,)
