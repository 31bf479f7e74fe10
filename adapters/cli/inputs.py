"""Checking what a support agent types before anything is looked up: ids that cannot be ids,
times (`2026-01-05`, `2026-01-05T09:30:00Z`, or relative: `7d`, `12h`, `30m`, `2w`), operator
names. A bad value is VALIDATION_FAILED (exit 2) and nothing is read or changed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from domain.errors import ValidationFailed

# Ids are opaque (API.md) but never contain spaces, slashes or quotes; this refuses what a
# copy-paste accident produces while accepting every id sellerlink issues.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")
# Amazon marketplace ids are upper-case letters and digits (AMAZON.md), or a country code.
_MARKETPLACE = re.compile(r"^[A-Za-z0-9]{2,20}$")
_OPERATOR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
_RELATIVE = re.compile(r"^\s*(\d{1,6})\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def check_id(value: str, what: str) -> str:
    if not _ID.match(value):
        raise ValidationFailed(
            f"{value!r} is not a valid {what} id.",
            context={"field": what, "value": value[:100]},
        )
    return value


def check_marketplace(value: str) -> str:
    if not _MARKETPLACE.match(value):
        raise ValidationFailed(
            f"{value!r} is neither a marketplace id (like ATVPDKIKX0DER) nor a country code "
            "(like DE).",
            context={"field": "marketplace", "value": value[:100]},
        )
    return value


def check_operator(value: str | None) -> str:
    """Support's actions are recorded as `support:<name>`, so the name must be there and
    readable in the history (seed 000: escalate "with clear retry history")."""
    if not value:
        raise ValidationFailed(
            "Say who you are: --operator NAME (or set SELLERLINK_OPERATOR).",
            context={"field": "operator"},
        )
    if not _OPERATOR.match(value):
        raise ValidationFailed(
            f"{value!r} is not a usable operator name: letters, digits and . _ @ + - only.",
            context={"field": "operator"},
        )
    return value


def parse_moment(value: str | None, *, now: datetime, field: str) -> datetime | None:
    """An ISO date or time (UTC unless it says otherwise), or a span back from now."""
    if value is None or value.strip() == "":
        return None
    relative = _RELATIVE.match(value)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        try:
            return now - timedelta(**{_UNITS[unit]: amount})
        except OverflowError:
            raise ValidationFailed(
                f"{field} {value!r} reaches back before the calendar starts.",
                context={"field": field},
            ) from None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(
            f"{field} {value!r} is not a time: use an ISO date such as 2026-01-05, an ISO "
            "time such as 2026-01-05T09:30:00Z, or a span back from now such as 7d or 12h.",
            context={"field": field},
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def check_window(since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and since > until:
        raise ValidationFailed(
            "--since is after --until: nothing can be in that window.",
            context={"field": "since"},
        )
