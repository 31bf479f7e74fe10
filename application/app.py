"""The application facade: every use case, built once from the ports. The web API, the CLI,
the workers and the features all drive sellerlink through this one object."""

from __future__ import annotations

from attrs import define, field

from application.account_context import RefreshAccountContext
from application.amazon_access import IssueAccessToken, PassThrough
from application.api_keys import AuthenticateApiKey, CreateApiKey, DeleteApiKey, ListApiKeys
from application.app_credentials import CheckAppCredentials
from application.callback import CompleteCallback
from application.connect import (
    GetAuthorizationStatus,
    OpenConsent,
    StartAuthorization,
    StartReconnect,
)
from application.connect_sessions import CreateConnectSession, OpenConnectSession
from application.connections import Disconnect, GetConnection, ListConnections, ListEvents
from application.context import Ports
from application.expiry_warnings import WarnBeforeExpiry
from application.hosted import HostedFlow
from application.listing_flush import FlushDueListings
from application.listing_settings import (
    GetListingSettings,
    PreviewListingDecisions,
    UpdateListingSettings,
)
from application.listing_updates import SubmitListings
from application.marketplace_setup import AdvanceAllSetups, AdvanceMarketplaceSetup
from application.marketplaces import (
    GetMarketplaceHistory,
    GetMarketplaceSync,
    ListMarketplaces,
    RetryMarketplace,
    UpdateMarketplace,
)
from application.operations import TakeSnapshot
from application.profiles import ChooseProfile, ListProfiles
from application.reconciler import Reconciler, RunJob
from application.records import ListDatasets, ListRecords
from application.sku_explanation import ExplainSku
from application.support import SupportQueries
from application.sync import RunBackfill, RunSyncCycle
from application.teams import (
    CreateTeam,
    GetTeam,
    ListMembers,
    ListMyTeams,
    RemoveMember,
    SetMemberRole,
    UpdateTeam,
)
from application.tokens import GetAccessToken, RefreshDueTokens
from application.webhook_outbox import DeliverWebhooks, DispatchWebhooks, PublishEvents
from application.webhook_support import SupportWebhooks
from application.webhooks import (
    CreateWebhookEndpoint,
    DeleteWebhookEndpoint,
    GetWebhookEndpoint,
    ListDeliveries,
    ListWebhookEndpoints,
    ReplayWebhooks,
    RetryDelivery,
    RotateWebhookSecret,
    SendTestWebhook,
    UpdateWebhookEndpoint,
)


@define
class Application:
    ports: Ports
    # teams
    create_team: CreateTeam = field(init=False)
    get_team: GetTeam = field(init=False)
    update_team: UpdateTeam = field(init=False)
    list_members: ListMembers = field(init=False)
    list_my_teams: ListMyTeams = field(init=False)
    set_member_role: SetMemberRole = field(init=False)
    remove_member: RemoveMember = field(init=False)
    # API keys
    create_api_key: CreateApiKey = field(init=False)
    list_api_keys: ListApiKeys = field(init=False)
    delete_api_key: DeleteApiKey = field(init=False)
    authenticate_key: AuthenticateApiKey = field(init=False)
    # Amazon access for the product
    issue_access_token: IssueAccessToken = field(init=False)
    pass_through: PassThrough = field(init=False)
    # connecting
    start_authorization: StartAuthorization = field(init=False)
    start_reconnect: StartReconnect = field(init=False)
    authorization_status: GetAuthorizationStatus = field(init=False)
    complete_callback: CompleteCallback = field(init=False)
    open_consent: OpenConsent = field(init=False)
    # the hosted flow (connect sessions)
    create_connect_session: CreateConnectSession = field(init=False)
    open_connect_session: OpenConnectSession = field(init=False)
    hosted: HostedFlow = field(init=False)
    # connections
    list_connections: ListConnections = field(init=False)
    get_connection: GetConnection = field(init=False)
    disconnect: Disconnect = field(init=False)
    list_events: ListEvents = field(init=False)
    refresh_account: RefreshAccountContext = field(init=False)
    # profiles and marketplaces
    list_profiles: ListProfiles = field(init=False)
    choose_profile: ChooseProfile = field(init=False)
    list_marketplaces: ListMarketplaces = field(init=False)
    update_marketplace: UpdateMarketplace = field(init=False)
    retry_marketplace: RetryMarketplace = field(init=False)
    marketplace_history: GetMarketplaceHistory = field(init=False)
    marketplace_sync: GetMarketplaceSync = field(init=False)
    # background work
    get_access_token: GetAccessToken = field(init=False)
    refresh_due_tokens: RefreshDueTokens = field(init=False)
    advance_setup: AdvanceMarketplaceSetup = field(init=False)
    advance_all_setups: AdvanceAllSetups = field(init=False)
    warn_before_expiry: WarnBeforeExpiry = field(init=False)
    run_sync_cycle: RunSyncCycle = field(init=False)
    run_backfill: RunBackfill = field(init=False)
    reconcile: Reconciler = field(init=False)
    run_job: RunJob = field(init=False)
    # listings
    get_listing_settings: GetListingSettings = field(init=False)
    update_listing_settings: UpdateListingSettings = field(init=False)
    preview_listings: PreviewListingDecisions = field(init=False)
    submit_listings: SubmitListings = field(init=False)
    flush_listings: FlushDueListings = field(init=False)
    explain_sku: ExplainSku = field(init=False)
    # records
    list_datasets: ListDatasets = field(init=False)
    list_records: ListRecords = field(init=False)
    # support
    support: SupportQueries = field(init=False)
    # operations
    snapshot: TakeSnapshot = field(init=False)
    check_app_credentials: CheckAppCredentials = field(init=False)
    # webhooks
    create_webhook: CreateWebhookEndpoint = field(init=False)
    list_webhooks: ListWebhookEndpoints = field(init=False)
    get_webhook: GetWebhookEndpoint = field(init=False)
    update_webhook: UpdateWebhookEndpoint = field(init=False)
    delete_webhook: DeleteWebhookEndpoint = field(init=False)
    rotate_webhook_secret: RotateWebhookSecret = field(init=False)
    send_test_webhook: SendTestWebhook = field(init=False)
    list_deliveries: ListDeliveries = field(init=False)
    retry_delivery: RetryDelivery = field(init=False)
    replay_webhooks: ReplayWebhooks = field(init=False)
    publish_events: PublishEvents = field(init=False)
    deliver_webhooks: DeliverWebhooks = field(init=False)
    dispatch_webhooks: DispatchWebhooks = field(init=False)
    support_webhooks: SupportWebhooks = field(init=False)

    def __attrs_post_init__(self) -> None:
        p = self.ports
        self.create_team = CreateTeam(p)
        self.get_team = GetTeam(p)
        self.update_team = UpdateTeam(p)
        self.list_members = ListMembers(p)
        self.list_my_teams = ListMyTeams(p)
        self.set_member_role = SetMemberRole(p)
        self.remove_member = RemoveMember(p)
        self.create_api_key = CreateApiKey(p)
        self.list_api_keys = ListApiKeys(p)
        self.delete_api_key = DeleteApiKey(p)
        self.authenticate_key = AuthenticateApiKey(p)
        self.start_authorization = StartAuthorization(p)
        self.start_reconnect = StartReconnect(p, self.start_authorization)
        self.authorization_status = GetAuthorizationStatus(p)
        self.complete_callback = CompleteCallback(p)
        self.open_consent = OpenConsent(p)
        self.create_connect_session = CreateConnectSession(p)
        self.open_connect_session = OpenConnectSession(p)
        self.list_connections = ListConnections(p)
        self.get_connection = GetConnection(p)
        self.disconnect = Disconnect(p)
        self.list_events = ListEvents(p)
        self.get_access_token = GetAccessToken(p)
        self.refresh_account = RefreshAccountContext(p, self.get_access_token)
        self.issue_access_token = IssueAccessToken(p, self.get_access_token)
        self.pass_through = PassThrough(p, self.get_access_token)
        self.list_profiles = ListProfiles(p)
        self.choose_profile = ChooseProfile(p)
        self.list_marketplaces = ListMarketplaces(p)
        self.update_marketplace = UpdateMarketplace(p)
        self.retry_marketplace = RetryMarketplace(p)
        self.marketplace_history = GetMarketplaceHistory(p)
        self.marketplace_sync = GetMarketplaceSync(p)
        self.refresh_due_tokens = RefreshDueTokens(p, self.get_access_token)
        self.advance_setup = AdvanceMarketplaceSetup(p, self.get_access_token)
        self.run_sync_cycle = RunSyncCycle(p, self.get_access_token)
        self.advance_all_setups = AdvanceAllSetups(p, self.advance_setup, self.run_sync_cycle)
        self.warn_before_expiry = WarnBeforeExpiry(p)
        self.run_backfill = RunBackfill(p, self.get_access_token)
        self.reconcile = Reconciler(p, self.run_sync_cycle)
        self.flush_listings = FlushDueListings(p, self.get_access_token)
        self.publish_events = PublishEvents(p)
        self.deliver_webhooks = DeliverWebhooks(p)
        self.dispatch_webhooks = DispatchWebhooks(p, self.publish_events, self.deliver_webhooks)
        self.run_job = RunJob(
            self.get_access_token,
            self.warn_before_expiry,
            self.advance_setup,
            self.run_sync_cycle,
            self.run_backfill,
            flush_listings=self.flush_listings,
            ports=p,
            webhooks=self.dispatch_webhooks,
        )
        self.get_listing_settings = GetListingSettings(p)
        self.update_listing_settings = UpdateListingSettings(p)
        self.preview_listings = PreviewListingDecisions(p)
        self.submit_listings = SubmitListings(p)
        self.explain_sku = ExplainSku(p)
        self.support = SupportQueries(p)
        self.check_app_credentials = CheckAppCredentials(p)
        self.snapshot = TakeSnapshot(p, self.reconcile, self.check_app_credentials)
        self.list_datasets = ListDatasets(p)
        self.list_records = ListRecords(p)
        self.create_webhook = CreateWebhookEndpoint(p)
        self.list_webhooks = ListWebhookEndpoints(p)
        self.get_webhook = GetWebhookEndpoint(p)
        self.update_webhook = UpdateWebhookEndpoint(p)
        self.delete_webhook = DeleteWebhookEndpoint(p)
        self.rotate_webhook_secret = RotateWebhookSecret(p)
        self.send_test_webhook = SendTestWebhook(p, self.deliver_webhooks)
        self.list_deliveries = ListDeliveries(p)
        self.retry_delivery = RetryDelivery(p)
        self.replay_webhooks = ReplayWebhooks(p)
        self.support_webhooks = SupportWebhooks(p)
        self.hosted = HostedFlow(
            p,
            self.start_authorization,
            self.list_profiles,
            self.choose_profile,
            self.list_marketplaces,
            self.update_marketplace,
            self.retry_marketplace,
            self.refresh_account,
            self.disconnect,
            self.get_access_token,
        )
