"""Amazon's JSON_LISTINGS_FEED schema (adapters/amazon/models/) as two checks, because
Amazon treats the two kinds of problem differently: a document whose frame is wrong (not
JSON, no header, a wrong version, no messages, more than 25,000) is refused as a whole
(getFeed says FATAL), while a message that breaks the schema is reported against its own
`messageId` and the other messages are processed.

jsonschema-rs, not the pure-Python jsonschema: a 25,000-message feed is checked in tens of
milliseconds instead of seconds.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib.resources import files
from typing import Any

import jsonschema_rs

SCHEMA_FILE = "listings-feed-schema-v2.json"
MAX_PROBLEMS = 5  # per message: enough to fix it, short enough to show


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        files("adapters.amazon.models").joinpath(SCHEMA_FILE).read_text("utf-8")
    )
    return loaded


@cache
def _frame() -> jsonschema_rs.Draft7Validator:
    """The schema without its per-message part."""
    frame = copy.deepcopy(schema())
    frame["properties"]["messages"]["items"] = {}
    return jsonschema_rs.Draft7Validator(frame)


@cache
def _message() -> jsonschema_rs.Draft7Validator:
    return jsonschema_rs.Draft7Validator(schema()["properties"]["messages"]["items"])


def _problems(validator: jsonschema_rs.Draft7Validator, instance: Any) -> list[str]:
    found = []
    for error in validator.iter_errors(instance):
        where = "/".join(str(p) for p in error.instance_path)
        text = error.message if len(error.message) <= 200 else error.message[:197] + "..."
        found.append(f"{where}: {text}" if where else text)
        if len(found) == MAX_PROBLEMS:
            break
    return found


def document_problems(document: Any) -> list[str]:
    """What makes the document as a whole unprocessable (Amazon: FATAL); [] if none."""
    return _problems(_frame(), document)


def message_problems(message: Any) -> list[str]:
    """What makes one message invalid (Amazon: an ERROR issue on its messageId)."""
    return _problems(_message(), message)
