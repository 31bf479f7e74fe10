"""The API's data dictionary: what each field and operation means, for the OpenAPI document.

A field's own description (msgspec `Meta(description=...)`, an attrs view's metadata) wins;
this glossary fills what is left, by field name, so the same name means the same thing in
every body (API.md's names are a contract). A name that means different things in different
bodies is described per body in `BY_SCHEMA`. What each operation does and the request
bodies' examples are in `operations_described.py`; `describe` fills the document from both.
`tests/integration/http/test_http_openapi_described.py` fails on any operation or property
left undescribed, so a new field arrives with its meaning."""

from __future__ import annotations

from collections.abc import Mapping

from litestar.openapi.spec import OpenAPI, Schema

from adapters.http.operations_described import BODY_EXAMPLES, OPERATIONS

FIELDS: Mapping[str, str] = {
    "accepted": "How many items were taken in for the next batch.",
    "account_id": "Amazon's id of the advertiser account behind the profile.",
    "account_name": "The account's name as Amazon shows it.",
    "account_type": "`seller` (Seller Central) or `vendor` (Vendor Central).",
    "active": "Whether sellerlink sends updates to this marketplace (seed 001's Active box).",
    "actor": "Who did it: `user:<id>`, `support:<name>`, `amazon` or `sellerlink`.",
    "ads_account_id": "The Amazon Ads account id of this connection, once Ads is authorized.",
    "amazon_accepted": "Whether Amazon accepted the last update it was sent.",
    "amazon_message": "What Amazon said about the last update, if anything.",
    "amount": "A decimal amount, as text so no rounding happens.",
    "answered_at": "When Amazon answered about the last update.",
    "at": "When it happened (RFC 3339, UTC).",
    "authorization_url": "Send the person's browser here: sellerlink's bounce "
    "(`/connect/authorize/{state}`) binds the authorization to that browser, then "
    "redirects to Amazon's consent page.",
    "authorized_at": "When Amazon last authorized this channel.",
    "auto_selected": "True when sellerlink chose the profile because it was the only one.",
    "available": "Units the product has available.",
    "batch_window_seconds": "How long updates are gathered before they are sent to Amazon.",
    "channel": "`ads` (Amazon Advertising API) or `sp_api` (Selling Partner API).",
    "checks": "Each readiness check and its result.",
    "code": "The error's stable catalogue code; `/errors/<code>` explains it.",
    "connected": "How many connections the team has now.",
    "connection": "The connection the callback created or updated.",
    "connection_id": "The connection's id.",
    "country_code": "Two-letter country code of the marketplace or profile.",
    "created": "True when the callback created a new connection.",
    "created_at": "When it was created (RFC 3339, UTC).",
    "currency": "Three-letter ISO 4217 currency code.",
    "currency_code": "The profile's currency (ISO 4217).",
    "data": "Details of the event, as text values.",
    "decided_price": "The price sellerlink decided to send, if any.",
    "decision": "What sellerlink decided for this SKU and why.",
    "description": "What the permission lets sellerlink do.",
    "detail": "What happened, in plain words.",
    "disconnected_at": "When the team disconnected it; null while it is live.",
    "display_name": "The account's name, as Amazon gives it.",
    "enabled": "Whether the endpoint receives deliveries.",
    "disabled_reason": "Why sellerlink disabled the endpoint (failing for days), if it did.",
    "failing_since": "Since when every delivery to the endpoint has failed, if it does.",
    "events": 'The event types to send (`["*"]` for all), e.g. `connection.revoked`.',
    "url": "The endpoint's https URL.",
    "end_user": "The person in your product who will connect; recorded for support.",
    "error_code": "The catalogue code of the failure, when the authorization failed.",
    "errors": "One entry per value that was refused.",
    "escalated": "Marketplaces escalated to support after their retries ran out.",
    "expires_at": "When it stops working (RFC 3339, UTC).",
    "failed": "Marketplaces whose setup failed and can be retried.",
    "field": "The field (or row column) that was refused.",
    "from_state": "The state before the change.",
    "grants": "One authorization per channel, with its token status in plain words.",
    "health": "`connected`, `expiring`, `reconnect_required`, `incomplete` (a required "
    "channel was never authorized) or `disconnected`.",
    "history": "The marketplace's retry history (each failure, retry and escalation).",
    "id": "Its id.",
    "in_flight": "Whether an update for this SKU is on its way to Amazon now.",
    "instance": "The request path that failed.",
    "inventory_buffer": "A product needs at least this many units to be shown in stock "
    "(seed 003's buffer: a gate).",
    "inventory_ceiling": "At most this many units are shown once past the buffer (a cap).",
    "items": "The entries of the list.",
    "joined_at": "When the person joined the team.",
    "kind": "What kind it is.",
    "label": "The state in the help pages' words (`Setting up...`, `Syncing...`, `Ready`).",
    "last_error": "The last setup error, if any.",
    "marketplace": "The marketplace this history is about.",
    "marketplace_id": "Amazon's marketplace id (for example ATVPDKIKX0DER for Amazon.com).",
    "marketplaces_summary": "How many marketplaces are in each state.",
    "max_connections": "How many Amazon accounts the team may connect; null means no limit.",
    "message": "What is wrong, in plain words.",
    "minimum_price": "Products priced under this are not sent to Amazon at all.",
    "name": "Its name.",
    "next": "What the person does next: `authorize_ads`, `authorize_sp_api`, "
    "`choose_profile`, `choose_marketplaces` or `done`.",
    "next_batch_at": "When the next batch goes to Amazon.",
    "plan": "The team's sellerlink plan: `free` or `pro`.",
    "price": "The price, as a decimal text.",
    "pricing_enabled": "When false, quantities are still sent and prices never are.",
    "profile": "The advertising profile in use, or null.",
    "profile_auto_selected": "True when the profile was chosen because it was the only one.",
    "profile_id": "Amazon Ads profile id.",
    "quantity": "Units.",
    "ready": "Marketplaces that are Ready.",
    "reason": "Why, in plain words.",
    "received_at": "When sellerlink received the product's latest values.",
    "reconnected": "True when this brought an existing connection back.",
    "region": "`NA`, `EU` or `FE`: the Amazon region.",
    "remediation": "The steps that fix it, in order.",
    "request_id": "The request's id; support finds it in the logs and the timeline.",
    "required": "Whether this channel is required for the account type.",
    "result": "`connected` when the callback succeeded.",
    "retries_used": "How many retries were used.",
    "retry_history": "Every failure, retry and escalation of the marketplace.",
    "retry_limit": "How many retries are allowed before escalation.",
    "return_to": "A path on the product's site to send the person back to, with "
    "`connection_id` and `result`.",
    "role": "`owner`, `admin`, `manager` or `member`.",
    "row": "The CSV row number (1 is the first after the header).",
    "scopes": "The Amazon permissions the person is asked to grant.",
    "selectable": "Whether it can be selected now.",
    "selected": "Whether it is selected.",
    "selected_profile_id": "The profile in use, or null.",
    "selling_partner_id": "The Amazon seller (or vendor) id, shown after connecting.",
    "send": "What will be sent to Amazon for this SKU.",
    "sent_at": "When the last update was sent to Amazon.",
    "sent_price": "The price last sent to Amazon.",
    "sent_quantity": "The quantity last sent to Amazon.",
    "setting_up": "Marketplaces in Setting up...",
    "settings": "The listing settings the decision was made with.",
    "sku": "The product's SKU.",
    "source": "Where the refused value was: body, query, path or header.",
    "state": "Its state.",
    "status": "Its status.",
    "status_text": "The status in plain words.",
    "syncing": "Marketplaces in Syncing...",
    "team_id": "The team's id.",
    "title": "A short title of the error.",
    "to_state": "The state after the change.",
    "type": "`/errors/<CODE>`: the page explaining the error.",
    "user_id": "The person's id (your identity provider's `sub`).",
    "version": "Increases with each change; a stale write answers CONCURRENT_UPDATE.",
    "waiting": "How many items wait for the next batch.",
    "warning": "True for a warning: reported beside a success, never blocking.",
    "warnings": "Warnings beside the success (for example NO_ACTIVE_CAMPAIGNS), as codes.",
}

# What the team is called and which kind it is, in the body that creates it and the one
# that shows it.
_TEAM_NAMING: Mapping[str, str] = {
    "kind": "`brand` or `agency`.",
    "name": "The team's name.",
}

# A name that means different things in different bodies: schema, then field.
BY_SCHEMA: Mapping[str, Mapping[str, str]] = {
    "AccessTokenOut": {
        "access_token": "Amazon's access token for this connection's channel; send it as Amazon "
        "expects (see `headers`). Never store it beyond `expires_at`.",
        "token_type": "`bearer`.",
    },
    "ApiKeyCreated": {
        "scopes": "What the key may do.",
    },
    "ApiKeyIn": {
        "scopes": "What the key may do: `connections:read`, `connections:write`, `amazon:access`, "
        "`records:read`, `webhooks:manage`.",
    },
    "ApiKeyOut": {
        "last_used_at": "When the key last authenticated a request (to the minute), or null if it "
        "never did.",
        "scopes": "What the key may do.",
    },
    "AuthorizationOut": {
        "state": "The authorization's OAuth state (256 bits): its id.",
    },
    "DatasetOut": {
        "key_fields": "The fields of Amazon's payload that identify a record.",
        "schema": "The JSON Schema of the dataset's records.",
    },
    "ErrorExplanation": {
        "status": "The HTTP status this error answers with.",
    },
    "ListingItemIn": {
        "quantity": "Units available in your inventory.",
    },
    "ListingsIn": {
        "items": "The products: SKU, quantity, price and currency.",
    },
    "Liveness": {
        "status": "`ok` while the process serves requests.",
    },
    "MarketplaceList": {
        "items": "The connection's marketplaces.",
    },
    "MemberList": {
        "items": "The team's members and their roles.",
    },
    "Problem": {
        "status": "The HTTP status.",
    },
    "Readiness": {
        "problems": "The failing checks that have a catalogue code, with it.",
        "warnings": "Warnings that leave the service ready (a rotate-by date).",
        "status": "`ok` when every check passes, else `failing`.",
    },
    "ReadinessProblem": {
        "check": "The readiness check that failed, e.g. `app_credentials`.",
    },
    "RecordList": {
        "has_more": "Whether more records follow `next_cursor`.",
    },
    "RecordOut": {
        "dataset": "The dataset the record belongs to, e.g. `orders`.",
        "key": "The record's key within its dataset (e.g. the AmazonOrderId).",
        "updated_at": "When sellerlink last stored a change of the record.",
        "deleted": "True when Amazon no longer has the record.",
        "cursor": "Pass as `after` to read the records that follow this one.",
    },
    "ReplayIn": {
        "since": "Send every event from this time again (RFC 3339).",
    },
    "ReplayOut": {
        "queued": "How many deliveries were queued.",
    },
    "RowError": {
        "field": "The column that was refused.",
    },
    "ScopeOut": {
        "name": "The permission's name on Amazon.",
    },
    "SecretOut": {
        "secret": "The new signing secret (`whsec_`...), shown only here.",
    },
    "TeamIn": {
        **_TEAM_NAMING,
    },
    "TeamOut": {
        **_TEAM_NAMING,
        "history_days": "How many days of history sync fills backwards (default 90).",
        "id": "The team's id.",
    },
    "TeamPatch": {
        "history_days": "How many days of history sync fills backwards.",
    },
}


def describe(openapi: OpenAPI) -> OpenAPI:
    """Fills the blanks of the generated document from the glossary (in place)."""
    components = openapi.components
    schemas = (components.schemas or {}) if components is not None else {}
    for name, schema in schemas.items():
        if isinstance(schema, Schema):
            _describe_schema(name, schema)
            if name in BODY_EXAMPLES and not schema.examples:
                schema.examples = [BODY_EXAMPLES[name]]
    for path, item in (openapi.paths or {}).items():
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(item, method, None)
            if operation is not None and not operation.description:
                operation.description = OPERATIONS.get(path, {}).get(method)
    return openapi


def _describe_schema(name: str, schema: Schema) -> None:
    for key, prop in (schema.properties or {}).items():
        if not prop.description:  # OpenAPI 3.1 lets a $ref carry its own description
            prop.description = BY_SCHEMA.get(name, {}).get(key) or FIELDS.get(key)
