"""The `--json` output: stable keys for scripts. Keys are only ever added, never renamed
or removed; times are UTC ISO 8601 to the second with a `Z` (`2026-01-05T09:00:00Z`); enum
values are the lower-case words the API uses (`reconnect_required`, `setting_up`, `sp_api`).

Top-level shapes, by command:

- `connections list`  -> `{"count", "items": [connection]}`
- `connections show`  -> `connection` + `"marketplaces": [marketplace]`
- `marketplaces history` -> `{"connection_id", "marketplace", "transitions": [transition],
  "retry_history": [transition]}`
- `marketplaces retry` -> `{"outcome": "retrying", "marketplace"}`
- `timeline` -> `{"connection_id", "since", "until", "count", "items": [event]}`
- `tokens forecast` -> `{"as_of", "days", "until", "count", "teams": [{"team_id",
  "team_name", "items": [forecast item]}]}`
- any failure -> `{"error": {"code", "title", "message", "detail", "remediation",
  "context"}, "exit_code"}`

Each object's keys are listed in the function that builds it below."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from application.support import ForecastItem
from application.views import ConnectionView, GrantView, MarketplaceHistory, MarketplaceView
from domain.errors import DomainError
from domain.events import AuditEvent
from domain.marketplace import Transition
from domain.profile import Profile

Json = dict[str, Any]


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def grant(view: GrantView) -> Json:
    return {
        "channel": str(view.channel),
        "required": view.required,
        "status": str(view.status),
        "status_text": view.status_text,
        "authorized_at": iso(view.authorized_at),
        "expires_at": iso(view.expires_at),
        "last_refresh_at": iso(view.last_refresh_at),
        "last_refresh_error": view.last_refresh_error,
    }


def profile(selected: Profile | None, *, auto_selected: bool) -> Json | None:
    if selected is None:
        return None
    return {
        "profile_id": selected.profile_id,
        "country_code": selected.country_code,
        "currency_code": selected.currency_code,
        "marketplace_id": selected.marketplace_id,
        "account_type": str(selected.account_type),
        "account_name": selected.account_name,
        "account_id": selected.account_id,
        "auto_selected": auto_selected,
    }


def connection(view: ConnectionView) -> Json:
    return {
        "id": view.id,
        "team_id": view.team_id,
        "display_name": view.display_name,
        "account_type": str(view.account_type),
        "region": str(view.region),
        "selling_partner_id": view.selling_partner_id,
        "ads_account_id": view.ads_account_id,
        "health": str(view.health),
        "created_at": iso(view.created_at),
        "disconnected_at": iso(view.disconnected_at),
        "grants": [grant(g) for g in view.grants],
        "profile": profile(view.profile, auto_selected=view.profile_auto_selected),
        "marketplaces_summary": dict(view.marketplaces_summary),
    }


def marketplace(view: MarketplaceView) -> Json:
    return {
        "marketplace_id": view.marketplace_id,
        "country_code": view.country_code,
        "name": view.name,
        "state": str(view.state),
        "label": view.label,
        "selectable": view.selectable,
        "selected": view.selected,
        "active": view.active,
        "retries_used": view.retries_used,
        "retry_limit": view.retry_limit,
        "last_error": view.last_error,
        "reason": view.reason,
    }


def transition(step: Transition) -> Json:
    return {
        "at": iso(step.at),
        "from_state": str(step.from_state) if step.from_state is not None else None,
        "to_state": str(step.to_state),
        "reason": step.reason,
        "actor": step.actor,
    }


def history(connection_id: str, found: MarketplaceHistory) -> Json:
    return {
        "connection_id": connection_id,
        "marketplace": marketplace(found.marketplace),
        "transitions": [transition(t) for t in found.transitions],
        "retry_history": [transition(t) for t in found.retry_history],
    }


def event(item: AuditEvent) -> Json:
    return {
        "id": item.id,
        "at": iso(item.at),
        "kind": str(item.kind),
        "actor": item.actor,
        "summary": item.summary,
        "team_id": item.team_id,
        "connection_id": item.connection_id,
        "data": dict(item.data),
    }


def forecast(
    teams: Mapping[str, Sequence[ForecastItem]], *, as_of: datetime, until: datetime, days: int
) -> Json:
    return {
        "as_of": iso(as_of),
        "days": days,
        "until": iso(until),
        "count": sum(len(items) for items in teams.values()),
        "teams": [
            {
                "team_id": team_id,
                "team_name": items[0].team_name if items else "",
                "items": [forecast_item(i) for i in items],
            }
            for team_id, items in teams.items()
        ],
    }


def forecast_item(item: ForecastItem) -> Json:
    return {
        "connection_id": item.connection_id,
        "display_name": item.display_name,
        "selling_partner_id": item.selling_partner_id,
        "channel": str(item.channel),
        "status": str(item.status),
        "status_text": item.status_text,
        "expires_at": iso(item.expires_at),
    }


def error(failure: DomainError, exit_code: int) -> Json:
    return {
        "error": {
            "code": str(failure.code),
            "title": failure.spec.title,
            "message": failure.spec.message,
            "detail": failure.detail,
            "remediation": list(failure.remediation),
            "context": {k: _plain(v) for k, v in failure.context.items()},
        },
        "exit_code": exit_code,
    }


def _plain(value: object) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
