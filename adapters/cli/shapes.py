"""The `--json` output: stable keys for scripts. Keys are only ever added, never renamed
or removed; times are UTC ISO 8601 to the second with a `Z` (`2026-01-05T09:00:00Z`); enum
values are the lower-case words the API uses (`reconnect_required`, `setting_up`, `sp_api`).

Top-level shapes, by command:

- `connections list`  -> `{"count", "items": [connection]}`
- `connections show`  -> `connection` + `"marketplaces": [marketplace]`
- `marketplaces history` -> `{"connection_id", "marketplace", "items", "transitions":
  [transition], "retry_history": [transition]}`
- `marketplaces sync` -> `{"connection_id", "marketplace_id", "datasets": [dataset coverage]}`
- `marketplaces retry` -> `{"outcome": "retrying", "marketplace"}`
- `timeline` -> `{"connection_id", "since", "until", "count", "items": [event]}`
- `tokens forecast` -> `{"as_of", "days", "until", "count", "teams": [{"team_id",
  "team_name", "items": [forecast item]}]}`
- any failure -> `{"error": {"code", "title", "message", "detail", "remediation",
  "context"}, "exit_code"}`

Each object is a read model of `application/` (its fields are the keys, described in
`application/views.py`) turned into data by the converter the web API also uses
(`adapters/formats/views.py`). Two keys older than that sharing are kept for scripts: a
timeline event's `summary` (the API's `detail`) and a history's `transitions` (the API's
`items`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from adapters.formats.views import iso, to_data
from application.marketplace_views import MarketplaceHistory
from application.support import ForecastItem
from application.views import EventView
from domain.errors import DomainError
from domain.events import AuditEvent

Json = dict[str, Any]

__all__ = ["data", "error", "event", "forecast", "history", "iso"]

data = to_data


def history(found: MarketplaceHistory) -> Json:
    shown: Json = to_data(found)
    return shown | {"transitions": shown["items"]}


def event(item: AuditEvent) -> Json:
    shown: Json = to_data(EventView.of(item))
    return shown | {"summary": shown["detail"]}


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
                "items": to_data(list(items)),
            }
            for team_id, items in teams.items()
        ],
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
