"""What each operation of the web API does, and a request body that works for each, for the
OpenAPI document. A route's own `description=` wins; `glossary.describe` fills the operations
left without one from `OPERATIONS` and gives each request body its example from
`BODY_EXAMPLES`. `tests/integration/http/test_http_openapi_described.py` fails on an
operation left undescribed or a request body without an example."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Examples for the request bodies, so the reference shows a body that works.
BODY_EXAMPLES: Mapping[str, dict[str, Any]] = {
    "TeamIn": {"name": "Acme Outdoor", "kind": "brand"},
    "TeamPatch": {"plan": "pro", "max_connections": 3},
    "MemberIn": {"role": "manager"},
    "AuthorizationIn": {
        "channel": "ads",
        "region": "NA",
        "account_type": "seller",
        "return_to": "/settings/amazon",
    },
    "ReconnectIn": {"channel": "sp_api", "return_to": "/settings/amazon"},
    "ProfileChoice": {"profile_id": "3200000000000002"},
    "MarketplaceUpdate": {"selected": True},
    "ListingSettingsIn": {
        "inventory_buffer": 6,
        "inventory_ceiling": 4,
        "minimum_price": {"amount": "5.00", "currency": "USD"},
        "pricing_enabled": True,
        "batch_window_seconds": 900,
    },
    "ListingsIn": {
        "marketplace_id": "ATVPDKIKX0DER",
        "items": [{"sku": "TENT-2P", "quantity": 10, "price": "129.00", "currency": "USD"}],
    },
    "WebhookIn": {
        "url": "https://app.example.com/hooks/sellerlink",
        "events": ["connection.revoked", "marketplace.state_changed"],
        "description": "Production",
    },
    "WebhookPatch": {"enabled": False},
    "ReplayIn": {"since": "2026-12-01T00:00:00Z"},
    "ApiKeyIn": {"name": "Production back end", "scopes": ["connections:write"]},
    "AccessTokenIn": {"channel": "sp_api"},
    "ConnectSessionIn": {
        "end_user": {"id": "user_4821", "email": "maria@example.com"},
        "regions": ["NA"],
        "return_to": "https://app.example.com/settings/amazon",
    },
}

# Operations the route decorators leave without a description: path, then method.
OPERATIONS: Mapping[str, Mapping[str, str]] = {
    "/api/v1/teams": {
        "get": "The teams the caller belongs to, with their role in each.",
        "post": "Creates a team; the caller becomes its owner. No team context needed.",
    },
    "/api/v1/teams/{team_id}": {
        "get": "The team, its plan and its connection limit.",
        "patch": "Changes the plan or the connection limit (owner; stands in for billing).",
    },
    "/api/v1/teams/{team_id}/members": {
        "get": "Everyone in the team and their role.",
    },
    "/api/v1/teams/{team_id}/members/{user_id}": {
        "put": "Adds a member or changes their role (owner, admin). A team always keeps an owner.",
        "delete": "Removes a member (owner, admin).",
    },
    "/api/v1/connections/authorizations": {
        "post": "Starts one Amazon authorization (owner, admin, manager) and answers the scopes "
        "to review and `authorization_url`, where the person's browser goes next. With "
        "`connection_id` it reconnects that connection or adds its other channel. The "
        "authorization expires after 10 minutes.",
    },
    "/api/v1/connections/authorizations/{authorization_state}": {
        "get": "For a UI that polls while the person is on Amazon: `pending`, `completed`, "
        "`failed` (with its code) or `expired`.",
    },
    "/api/v1/connections": {
        "get": "The team's connections with their health and the status of each channel's token, "
        "in plain words.",
    },
    "/api/v1/connections/{connection_id}": {
        "get": "One connection: health, grants, profile and marketplace counts.",
        "delete": "Disconnects: tokens are deleted at once; the connection's history and settings "
        "are kept for a later reconnect.",
    },
    "/api/v1/connections/{connection_id}/events": {
        "get": "The connection's timeline: everything that changed, who did it and why, newest "
        "first.",
    },
    "/api/v1/connections/{connection_id}/refresh": {
        "post": "Asks Amazon again for profiles and marketplaces (the help pages' Refresh); a "
        "plan upgrade turns Coming Soon into Available this way.",
    },
    "/api/v1/connections/{connection_id}/profile": {
        "put": "Chooses the advertising profile (needed when Amazon returned several). Answers "
        "the connection and any warnings, such as NO_ACTIVE_CAMPAIGNS.",
    },
    "/api/v1/connections/{connection_id}/profiles": {
        "get": "The advertising profiles Amazon returned, which can be chosen, and the one in use.",
    },
    "/api/v1/connections/{connection_id}/marketplaces/{marketplace_id}/history": {
        "get": "Every transition of the marketplace with time, actor and reason, and its retry "
        "history.",
    },
    "/api/v1/connections/{connection_id}/marketplaces": {
        "get": "The connection's marketplaces with their state, whether they can be selected, and "
        "retries used.",
    },
    "/api/v1/connections/{connection_id}/marketplaces/{marketplace_id}/retry": {
        "post": "Retries a failed marketplace's setup. Past the retry limit the marketplace is "
        "escalated to support with its history and the answer is RETRY_LIMIT_EXCEEDED.",
    },
    "/api/v1/connections/{connection_id}/marketplaces/{marketplace_id}": {
        "put": "Selects a marketplace (which starts its setup) or sets it Active.",
    },
    "/api/v1/connections/{connection_id}/listing-settings": {
        "get": "The inventory buffer and ceiling, minimum price, pricing switch and batching "
        "window.",
        "put": "Changes the listing settings; the next batch uses them.",
    },
    "/api/v1/connections/{connection_id}/listings/{sku}": {
        "get": "Why a SKU was (or was not) sent to Amazon, and what Amazon answered.",
    },
    "/api/v1/connections/{connection_id}/listings": {
        "put": "Takes the products' quantities and prices for one marketplace; they are sent to "
        "Amazon in the next batch.",
    },
    "/api/v1/connections/{connection_id}/marketplaces/{marketplace_id}/listings.csv": {
        "post": "The same as PUT listings, from a CSV upload (sku, quantity, price, currency).",
    },
    "/errors/{code}": {
        "get": "One error code: what it means and the steps that fix it. JSON for programs, a "
        "page for a browser.",
    },
    "/api/v1/datasets": {
        "get": "The datasets sellerlink keeps (orders, sales and traffic, inventory, ad "
        "campaigns): their source on Amazon, key fields and schema.",
    },
    "/api/v1/records": {
        "get": "The team's records in sequence order, filtered by dataset, connection or "
        "marketplace; page with `after` (a record's `cursor` or `next_cursor`).",
    },
    "/api/v1/webhooks": {
        "get": "The team's webhook endpoints (never their secrets).",
        "post": "Adds an endpoint for the event types chosen; its signing secret is shown once. "
        "https only, never a private address unless allowed.",
    },
    "/api/v1/webhooks/{webhook_id}": {
        "get": "One endpoint and its state.",
        "delete": "Deletes the endpoint and its deliveries.",
        "patch": "Changes the URL, event types or description, or enables / disables the endpoint.",
    },
    "/api/v1/webhooks/{webhook_id}/deliveries": {
        "get": "The endpoint's deliveries, newest first, filtered by status (pending, delivered, "
        "failed).",
    },
    "/api/v1/webhooks/{webhook_id}/replay": {
        "post": "Sends every event since a time again, with the same `webhook-id` each was first "
        "sent with.",
    },
    "/api/v1/webhooks/deliveries/{delivery_id}/retry": {
        "post": "Sends a delivery again now.",
    },
    "/api/v1/webhooks/{webhook_id}/rotate-secret": {
        "post": "A new signing secret, shown once; the old one keeps signing too for 24 hours.",
    },
    "/api/v1/webhooks/{webhook_id}/test": {
        "post": "Sends a signed `webhook.test` message now and answers its delivery.",
    },
    "/api/v1/api-keys": {
        "get": "The team's API keys: names, scopes, creation and last use; never the keys "
        "themselves (owner, admin).",
        "post": "Issues a key for your product's back end with the scopes chosen (owner, admin). "
        "The key (`slk_…`) is in this answer only; sellerlink keeps its hash.",
    },
    "/api/v1/api-keys/{key_id}": {
        "delete": "Deletes the key; a request sending it is refused from then on (401).",
    },
    "/api/v1/connections/{connection_id}/access-token": {
        "post": "A fresh Amazon access token for the channel, refreshed when needed, with the "
        "regional host and the headers Amazon expects (`amazon:access`, or an owner's or admin's "
        "token). Prefer the proxy (`…/amazon/…`): it also spends the shared rate budget.",
    },
    "/health": {
        "get": "Liveness: 200 while the process serves requests.",
    },
    "/ready": {
        "get": "Readiness: the database and the worker; 503 with the failing check.",
    },
}
