"""The error catalogue's entries: for every code, a title, the message in the help pages'
words and the steps that fix it (DESIGN.md §4). Problem+json, the CLI, the `/errors/{code}`
pages and the webhook messages all read them from here through `CATALOGUE`; nothing else
writes an error message."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from domain.error_codes import ErrorCode, ErrorSpec, spec

_SPECS = (
    spec(
        ErrorCode.NO_TEAM,
        "No team context",
        "We could not tell which team you are working in.",
        "Confirm your team membership in Settings.",
        "Sign in again if your team context is stale.",
        "Retry connect.",
    ),
    spec(
        ErrorCode.NOT_A_MEMBER,
        "Not a member of this team",
        "You are not a member of this team, or this belongs to another team.",
        "Switch to a team you belong to.",
        "Ask an owner or admin of the team to invite you.",
    ),
    spec(
        ErrorCode.FORBIDDEN_ROLE,
        "Your role does not allow this",
        "Only a team owner, admin or manager can change Amazon connections and their settings.",
        "Ask a team owner or admin to do it, or to give you the manager role.",
    ),
    spec(
        ErrorCode.SCOPE_MISSING,
        "The API key lacks a scope",
        "This API key was not given the scope this request needs.",
        "Create a key with the scope named in the detail (owner or admin: POST /api/v1/api-keys).",
        "Keys cannot gain scopes: replace the key, then delete the old one.",
    ),
    spec(
        ErrorCode.UNAUTHENTICATED,
        "Sign in required",
        "Your session is missing or no longer valid.",
        "Sign in again, then retry.",
    ),
    spec(
        ErrorCode.NOT_FOUND,
        "Not found",
        "There is no such item in this team.",
        "Check the identifier; refresh the page to see the current list.",
    ),
    spec(
        ErrorCode.VALIDATION_FAILED,
        "The request is not valid",
        "Some of the values sent are not valid.",
        "Correct the fields listed and send the request again.",
    ),
    spec(
        ErrorCode.CONCURRENT_UPDATE,
        "Changed by someone else",
        "This was changed by someone else while you were working on it.",
        "Refresh to see the latest state, then try again.",
    ),
    spec(
        ErrorCode.INVALID_TRANSITION,
        "Not possible in the current state",
        "This action is not possible in the current state.",
        "Refresh to see the current state; the action list shows what is possible now.",
    ),
    spec(
        ErrorCode.PLAN_REQUIRED,
        "Not covered by your plan",
        "Your plan does not cover this yet: it is shown as Coming Soon.",
        "Upgrade your plan to use it.",
        "Or choose a profile or marketplace your plan covers.",
    ),
    spec(
        ErrorCode.PROFESSIONAL_SELLING_PLAN_REQUIRED,
        "Professional selling plan required",
        "This Amazon seller account is on the Individual selling plan; "
        "Amazon only allows apps on the Professional plan.",
        "Switch the Amazon account to the Professional selling plan in Seller Central.",
        "Then connect again.",
    ),
    spec(
        ErrorCode.CONNECTION_LIMIT,
        "Connection limit reached",
        "Your team already has the Amazon accounts its plan allows.",
        "Disconnect the other Amazon account first, or upgrade your plan.",
    ),
    spec(
        ErrorCode.OAUTH_STATE_INVALID,
        "This authorization link is not valid",
        "This authorization was not started here, was already used, or belongs to another team.",
        "Start again from the app: open Connect and click Connect.",
    ),
    spec(
        ErrorCode.SESSION_EXPIRED,
        "Session has expired",
        "Session has expired. Please try again.",
        "Start the connection again and finish the Amazon step within a few minutes.",
        "Clear your browser's cache and cookies if it happens again.",
    ),
    spec(
        ErrorCode.AUTHORIZATION_DENIED,
        "Authorization was declined on Amazon",
        "The authorization was declined on Amazon, so nothing was connected.",
        "Start again and click Approve (or Authorize) on the Amazon page.",
    ),
    spec(
        ErrorCode.ACCOUNT_IN_USE,
        "This account is already in use",
        "This account is already in use. Please Try Again.",
        "Make sure you do not already have this Amazon account connected in another team.",
        "Disconnect it there first, or contact support to find the existing connection.",
        "Click Connect Different Account to sign in to another Amazon account.",
    ),
    spec(
        ErrorCode.WRONG_ACCOUNT,
        "Wrong Amazon account",
        "You signed in to a different Amazon account than the one this connection belongs to.",
        "Click Connect Different Account and sign in with the original Amazon account.",
        "If you connected the wrong account: revoke access in Seller Central "
        "(Apps & Services > Manage Your Apps) and start again.",
    ),
    spec(
        ErrorCode.REFRESH_TOKEN_FAILED,
        "Failed to retrieve refresh token",
        "Failed to retrieve refresh token. Please try again.",
        "Check that you chose the region of the Amazon account you signed in with.",
        "Confirm you are participating in the marketplace you selected.",
        "Try again in a private browser window.",
    ),
    spec(
        ErrorCode.ADS_SP_MISMATCH,
        "Amazon Advertising does not match the Selling Partner account",
        "The advertising account does not match the Selling Partner API account.",
        "Click Refresh once the advertising account is put right: it reads Amazon's "
        "profiles again; then authorize the Selling Partner API again (the refused "
        "authorization was not kept, so it shows No token present until then).",
        "Never run Amazon Ads? Enable advertising in Seller Central.",
        "Enable advertising permissions (View and Edit) for your user: the user who connects "
        "Amazon Ads must have advertising permissions in Seller Central to also connect the "
        "Selling Partner API.",
        "Already have View and Edit? Ask the account owner to remove all the users and add "
        "them back again: this triggers a refresh (Amazon's API can fail to recognize a "
        "valid user).",
        "Click Connect Different Account and sign in to the account that has advertising.",
    ),
    spec(
        ErrorCode.ADVERTISING_NOT_ENABLED,
        "Advertising is not enabled",
        "Amazon returned no advertising profile you can manage in this region.",
        "Enable Amazon Ads for this account.",
        "Or ask the account owner to give you Admin or View and Edit permission, then reconnect.",
        "Already have View and Edit? Ask the account owner to remove all the users and add "
        "them back again: this triggers a refresh (Amazon's API can fail to recognize a "
        "valid user).",
        "If the account sells in another region, start again and choose that region.",
    ),
    spec(
        ErrorCode.NO_ACTIVE_CAMPAIGNS,
        "No active campaigns",
        "The chosen advertising profile has no active campaigns.",
        "Create a campaign on Amazon; data may take up to 24 hours to appear.",
        warning=True,
    ),
    spec(
        ErrorCode.CALLBACK_ACCOUNT_MISSING,
        "Callback completed but account missing",
        "Amazon sent you back, but the connected account could not be found.",
        "Re-run the connection.",
        "Make sure the profile selection step is completed.",
    ),
    spec(
        ErrorCode.PROFILE_NOT_SELECTABLE,
        "This profile cannot be selected",
        "This advertising profile cannot be selected.",
        "Pick another profile.",
        "Profiles marked Coming Soon need a plan that covers them.",
    ),
    spec(
        ErrorCode.MARKETPLACE_NOT_SELECTABLE,
        "Marketplace not selectable",
        "This marketplace cannot be selected.",
        "Refresh the account context.",
        "Retry failed marketplaces if present.",
        "Select any marketplace already marked Ready, Syncing... or Setting up...",
        "Greyed out? Check your selling subscription covers this marketplace.",
    ),
    spec(
        ErrorCode.RETRY_LIMIT_EXCEEDED,
        "Retry limit reached",
        "This marketplace failed setup too many times and was escalated to support.",
        "Support has the marketplace and its retry history; no action is needed from you.",
    ),
    spec(
        ErrorCode.TOKEN_REVOKED,
        "Authorization revoked",
        "Amazon no longer accepts this authorization: it was revoked.",
        "Click Reconnect and complete the Amazon authorization again.",
        "Your settings and history are kept.",
    ),
    spec(
        ErrorCode.TOKEN_EXPIRED,
        "Authorization expired",
        "The Amazon authorization expired; Amazon asks sellers to re-authorize every year.",
        "Click Reconnect and complete the Amazon authorization again.",
        "Your settings and history are kept.",
    ),
    spec(
        ErrorCode.AMAZON_UNAVAILABLE,
        "Amazon is not answering",
        "Amazon is not answering right now.",
        "Wait a few minutes; sellerlink retries by itself.",
    ),
    spec(
        ErrorCode.APP_CREDENTIALS_REJECTED,
        "Amazon rejects sellerlink's app credentials",
        "Login with Amazon rejects every client secret configured for this app, so no "
        "access token can be refreshed. No seller needs to do anything.",
        "Operator: create a new client secret for the app (Seller Central > Develop Apps, "
        "or the Amazon Ads app's security profile), put it first in "
        "SELLERLINK_SPAPI_CLIENT_SECRET or SELLERLINK_ADS_CLIENT_SECRET on every process, "
        "and restart; `sellerlink doctor` checks it against Amazon.",
        "Meanwhile sellerlink retries by itself in growing steps (1 minute up to 30).",
    ),
    spec(
        ErrorCode.RATE_LIMITED,
        "Amazon rate limit reached",
        "Amazon's request quota for this account is used up for now.",
        "Nothing to do: sellerlink retries by itself after the quota resets.",
    ),
    spec(
        ErrorCode.SETUP_FAILED,
        "Marketplace setup failed",
        "Failed to set up this marketplace. Please try again.",
        "Click Retry on the failed marketplace.",
        "If it keeps failing, it is escalated to support with its retry history.",
    ),
    spec(
        ErrorCode.AUTHORIZATION_REQUIRED,
        "Waiting for an authorization",
        "Setup cannot continue until the Amazon authorization it needs is in place.",
        "Click Authorize (or Reconnect) for the channel named and approve it on Amazon.",
        "Setup then continues by itself; nothing else to do.",
    ),
    spec(
        ErrorCode.APP_ROLE_MISSING,
        "The app lacks an Amazon role",
        "Amazon refused the call: sellerlink's app does not have the role this operation needs.",
        "Add the role to the app in Amazon's developer console (Solution Provider Portal).",
        "Then ask the seller to authorize again (Reconnect): a new role needs a new consent.",
    ),
    spec(
        ErrorCode.RESTRICTED_DATA,
        "Restricted data",
        "Amazon refused the call: it returns restricted data (such as buyer details), which "
        "needs a Restricted Data Token.",
        "Call the operation without restricted data elements, or request a Restricted Data "
        "Token from the Tokens API for it.",
    ),
    spec(
        ErrorCode.PERMISSION_MISSING,
        "The seller has not given this permission",
        "Amazon refused the call: the person who authorized lacks permission for it, or the "
        "seller's permissions changed.",
        "Ask the account owner to grant the permission (Ads: View and Edit on the profile; "
        "Seller Central: user permissions), then reconnect.",
    ),
    spec(
        ErrorCode.PATH_NOT_ALLOWED,
        "Path not allowed",
        "The path does not name an Amazon API resource: it would leave Amazon's API host.",
        "Send the API path as Amazon documents it, relative, without '..', a host or encoded "
        "slashes, dots or backslashes.",
    ),
    spec(
        ErrorCode.WEBHOOK_TARGET_FORBIDDEN,
        "This webhook address is not allowed",
        "Webhooks are only sent over https to public internet addresses; this address is "
        "private, local or otherwise not allowed by this installation.",
        "Use a public https:// URL for your receiver.",
        "For a receiver on your own network, ask the operator to allow it in the "
        "SELLERLINK_WEBHOOK_ALLOW setting.",
    ),
    spec(
        ErrorCode.INTERNAL_ERROR,
        "Please try again",
        "Something went wrong on our side. Please try again.",
        "Try again.",
        "If it persists, contact support with the request id: the timeline records it with "
        "what was happening.",
    ),
)


CATALOGUE: Mapping[ErrorCode, ErrorSpec] = MappingProxyType({s.code: s for s in _SPECS})
