"""Profiles and marketplaces (API.md "Profiles and marketplaces"; seed 000: choose a profile
when Amazon returns several, select marketplaces, Retry a failed one)."""

from __future__ import annotations

from litestar import Controller
from litestar.params import JSONBody

from adapters.http.routing import App, CurrentActor, PathStr, api_get, api_post, api_put
from adapters.http.schemas import MarketplaceUpdate, ProfileChoice
from application.marketplace_views import MarketplaceHistory, MarketplaceList, MarketplaceView
from application.marketplaces import UpdateMarketplaceCommand
from application.views import ConnectionWithWarnings, ProfileList
from domain.api_key import Scope

_MARKETPLACE = "/{connection_id:str}/marketplaces/{marketplace_id:str}"


class ProfilesController(Controller):
    path = "/api/v1/connections"
    tags = ["profiles"]

    @api_get(
        "/{connection_id:str}/profiles",
        scope=Scope.CONNECTIONS_READ,
        summary="The advertising profiles to choose from",
    )
    def list_profiles(
        self, connection_id: PathStr, actor: CurrentActor, application: App
    ) -> ProfileList:
        return application.list_profiles(actor, connection_id)

    @api_put(
        "/{connection_id:str}/profile",
        scope=Scope.CONNECTIONS_WRITE,
        summary="Choose the advertising profile",
    )
    def choose_profile(
        self,
        connection_id: PathStr,
        data: JSONBody[ProfileChoice],
        actor: CurrentActor,
        application: App,
    ) -> ConnectionWithWarnings:
        chosen = application.choose_profile(actor, connection_id, data.profile_id)
        return ConnectionWithWarnings.with_warnings(chosen.connection, chosen.warnings)


class MarketplacesController(Controller):
    path = "/api/v1/connections"
    tags = ["marketplaces"]

    @api_get(
        "/{connection_id:str}/marketplaces",
        scope=Scope.CONNECTIONS_READ,
        summary="The connection's marketplaces",
    )
    def list_marketplaces(
        self, connection_id: PathStr, actor: CurrentActor, application: App
    ) -> MarketplaceList:
        return MarketplaceList(items=tuple(application.list_marketplaces(actor, connection_id)))

    @api_put(
        _MARKETPLACE,
        scope=Scope.CONNECTIONS_WRITE,
        summary="Select or deselect a marketplace, or set it active",
    )
    def update_marketplace(
        self,
        connection_id: PathStr,
        marketplace_id: PathStr,
        data: JSONBody[MarketplaceUpdate],
        actor: CurrentActor,
        application: App,
    ) -> MarketplaceView:
        return application.update_marketplace(
            UpdateMarketplaceCommand(
                actor=actor,
                connection_id=connection_id,
                marketplace_id=marketplace_id,
                selected=data.selected,
                active=data.active,
            )
        )

    @api_post(
        _MARKETPLACE + "/retry",
        scope=Scope.CONNECTIONS_WRITE,
        status_code=200,
        summary="Retry a failed marketplace (409 RETRY_LIMIT_EXCEEDED with its history)",
    )
    def retry(
        self, connection_id: PathStr, marketplace_id: PathStr, actor: CurrentActor, application: App
    ) -> MarketplaceView:
        return application.retry_marketplace(actor, connection_id, marketplace_id)

    @api_get(
        _MARKETPLACE + "/history",
        scope=Scope.CONNECTIONS_READ,
        summary="The marketplace's state history",
    )
    def history(
        self, connection_id: PathStr, marketplace_id: PathStr, actor: CurrentActor, application: App
    ) -> MarketplaceHistory:
        return application.marketplace_history(actor, connection_id, marketplace_id)
