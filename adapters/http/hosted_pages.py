"""Rendering the hosted flow (jinja2, autoescaped): the step's page from the application's
HostedView, in the seeds' words ("Setting up...", "Ready", "Token expires in N days",
"Reconnect Required", "Coming Soon"), with each error's message, fix and /errors link.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from application.hosted import HostedStep, HostedView
from application.views import ConnectionView, GrantView
from domain.connection import AccountType, Health, Region
from domain.errors import CATALOGUE, ErrorCode
from domain.grant import Channel, TokenStatus
from domain.marketplace import MarketplaceState

_ENV = Environment(
    loader=PackageLoader("adapters.http", "templates"),
    autoescape=select_autoescape(["jinja", "html"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

STEPS: tuple[tuple[str, str], ...] = (
    ("account", "Account"),
    ("ads", "Amazon Ads"),
    ("sp_api", "Selling Partner API"),
    ("profile", "Profile"),
    ("marketplaces", "Marketplaces"),
    ("progress", "Setting up"),
    ("done", "Done"),
)
_STEP_OF: Mapping[HostedStep, str] = {
    HostedStep.CHOOSE_ACCOUNT: "account",
    HostedStep.AUTHORIZE_ADS: "ads",
    HostedStep.AUTHORIZE_SP_API: "sp_api",
    HostedStep.VENDOR_CENTRAL: "sp_api",
    HostedStep.CHOOSE_PROFILE: "profile",
    HostedStep.CHOOSE_MARKETPLACES: "marketplaces",
    HostedStep.PROGRESS: "progress",
    HostedStep.RECONNECT: "ads",
    HostedStep.DONE: "done",
}
HEADINGS: Mapping[HostedStep, str] = {
    HostedStep.CHOOSE_ACCOUNT: "Connect your Amazon account",
    HostedStep.AUTHORIZE_ADS: "Connect Amazon Ads",
    HostedStep.AUTHORIZE_SP_API: "Connect the Selling Partner API",
    HostedStep.VENDOR_CENTRAL: "Connect Vendor Central (optional)",
    HostedStep.CHOOSE_PROFILE: "Choose your advertising profile",
    HostedStep.CHOOSE_MARKETPLACES: "Choose your marketplaces",
    HostedStep.PROGRESS: "Setting up your marketplaces",
    HostedStep.RECONNECT: "Reconnect Required",
    HostedStep.DONE: "Your Amazon account is connected",
}
REGION_NAMES = {
    Region.NA: "North America (Amazon.com, .ca, .com.mx, .com.br)",
    Region.EU: "Europe (Amazon.co.uk, .de, .fr, .it, .es and more)",
    Region.FE: "Far East (Amazon.co.jp, .com.au, .sg)",
}
ACCOUNT_TYPE_NAMES = {
    AccountType.SELLER: "Seller (Seller Central)",
    AccountType.VENDOR: "Vendor (Vendor Central)",
}
CHANNEL_NAMES = {Channel.ADS: "Amazon Ads", Channel.SP_API: "Selling Partner API"}
COUNTRIES = {
    "US": "United States", "CA": "Canada", "MX": "Mexico", "BR": "Brazil",
    "GB": "United Kingdom", "UK": "United Kingdom", "DE": "Germany", "FR": "France",
    "IT": "Italy", "ES": "Spain", "NL": "Netherlands", "SE": "Sweden", "PL": "Poland",
    "BE": "Belgium", "TR": "Turkey", "AE": "United Arab Emirates", "SA": "Saudi Arabia",
    "EG": "Egypt", "IN": "India", "JP": "Japan", "AU": "Australia", "SG": "Singapore",
}  # fmt: skip
# The label of the button that sends the person to Amazon again, by the error it answers:
# each is the button the error's fix text names (domain/error_catalogue.py).
AUTHORIZE_LABELS: Mapping[ErrorCode, str] = {
    ErrorCode.OAUTH_STATE_INVALID: "Connect",
    ErrorCode.WRONG_ACCOUNT: "Connect Different Account",
    ErrorCode.ACCOUNT_IN_USE: "Connect Different Account",
    ErrorCode.ADS_SP_MISMATCH: "Connect Different Account",
    ErrorCode.TOKEN_REVOKED: "Reconnect",
    ErrorCode.TOKEN_EXPIRED: "Reconnect",
}
_NOT_AN_AMAZON_ERROR = {ErrorCode.RETRY_LIMIT_EXCEEDED, ErrorCode.SETUP_FAILED}
# The steps whose one primary action sends the person to Amazon: after an error there, that
# button takes the label the error's fix names. On the other steps the error box carries it.
_AUTHORIZE_STEPS = {
    HostedStep.CHOOSE_ACCOUNT,
    HostedStep.AUTHORIZE_ADS,
    HostedStep.AUTHORIZE_SP_API,
    HostedStep.VENDOR_CENTRAL,
    HostedStep.RECONNECT,
}


def country_name(code: str) -> str:
    return COUNTRIES.get(code, code)


def token_text(grant: GrantView) -> str:
    """AoB's words (seed 001): "No token present", "Current", "Token expires in N days"."""
    if grant.status is TokenStatus.EXPIRING:
        return f"Token {grant.status_text}"
    return grant.status_text[:1].upper() + grant.status_text[1:]


def health_text(connection: ConnectionView) -> str:
    if connection.health is Health.EXPIRING:
        expiring = [g for g in connection.grants if g.status is TokenStatus.EXPIRING]
        return token_text(expiring[0]) if expiring else "Token expiring"
    return {
        Health.CONNECTED: "Connected",
        Health.RECONNECT_REQUIRED: "Reconnect Required",
        Health.INCOMPLETE: "Not finished",
        Health.DISCONNECTED: "Disconnected",
    }.get(connection.health, str(connection.health))


def live_key(view: HostedView) -> str:
    """What the page's structure depends on: when it changes the page is rebuilt; other
    changes (a marketplace moving from Setting up... to Syncing...) are updated in place."""
    rows = ",".join(
        f"{m.marketplace_id}:{m.state if m.state in _STRUCTURAL else 'moving'}"
        for m in view.marketplaces
        if m.selected
    )
    return f"{view.step}|{view.error or ''}|{rows}"


_STRUCTURAL = {MarketplaceState.FAILED, MarketplaceState.ESCALATED}


def live_state(view: HostedView) -> str:
    rows = [
        {"marketplace_id": m.marketplace_id, "name": m.name, "label": m.label, "state": m.state}
        for m in view.marketplaces
        if m.selected
    ]
    summary = ". ".join(f"{r['name']}: {r['label']}" for r in rows)
    if view.step is HostedStep.DONE:
        summary = (summary + ". " if summary else "") + HEADINGS[HostedStep.DONE]
    return json.dumps({"key": live_key(view), "marketplaces": rows, "summary": summary})


def render_flow(view: HostedView, base: str) -> str:
    current = _STEP_OF[view.step]
    if view.step is HostedStep.RECONNECT and view.channel_to_authorize is Channel.SP_API:
        current = "sp_api"
    index = [key for key, _ in STEPS].index(current)
    error = view.error

    def authorize_label(default: str) -> str:
        if error is None or error in _NOT_AN_AMAZON_ERROR:
            return default
        return AUTHORIZE_LABELS.get(error, "Try again")

    first_selectable = next(
        (p.profile_id for p in (view.profiles.items if view.profiles else ()) if p.selectable),
        None,
    )
    return _ENV.get_template("flow.jinja").render(
        v=view,
        base=base,
        steps=STEPS,
        current=current,
        current_index=index,
        heading=HEADINGS[view.step],
        live_key=live_key(view),
        listen=view.step is HostedStep.PROGRESS,
        authorize_label=authorize_label,
        error_action=(
            AUTHORIZE_LABELS.get(error)
            if error is not None and view.step not in _AUTHORIZE_STEPS
            else None
        ),
        first_selectable_profile=first_selectable,
        **_helpers(),
    )


def render_page(title: str, **context: Any) -> str:
    """A plain page of the flow (asking before Disconnect, the end of a pop-up flow, an
    error that stops the flow) in the same look."""
    return _ENV.get_template("page.jinja").render(title=title, **{**_helpers(), **context})


def _helpers() -> dict[str, Any]:
    return {
        "catalogue": {str(code): spec for code, spec in CATALOGUE.items()},
        "region_names": REGION_NAMES,
        "account_type_names": ACCOUNT_TYPE_NAMES,
        "channel_names": CHANNEL_NAMES,
        "country_name": country_name,
        "token_text": token_text,
        "health_text": health_text,
    }
