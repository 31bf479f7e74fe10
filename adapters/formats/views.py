"""The one converter from read models (attrs classes in `application/`) to plain data: the
web API encodes its output as JSON, the CLI prints it with `--json` and builds its table rows
from the same values. Enums become their values, times RFC 3339 UTC to the second with a `Z`
(`2026-01-05T09:00:00Z`); field names stay as the views name them."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Any

import cattrs

converter = cattrs.Converter()


def iso(moment: datetime | None) -> str | None:
    """RFC 3339, UTC, to the second: what a person copies into a ticket and a script parses."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


converter.register_unstructure_hook(datetime, iso)
# StrEnum first: by class hierarchy a StrEnum is also a str, which cattrs passes through.
converter.register_unstructure_hook(StrEnum, lambda member: member.value)
converter.register_unstructure_hook(Enum, lambda member: member.value)


def to_data(view: Any) -> Any:
    """A view (or a list of views) as JSON-ready dicts, lists and scalars."""
    return converter.unstructure(view)
