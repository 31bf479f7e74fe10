"""The last step before a log line is written: whatever reached it, no secret leaves.

Two nets, because either alone misses something: a field whose *name* says secret is
replaced whole (`refresh_token=...`, `authorization`, `client_secret`), and every string
value (messages, tracebacks, URLs) is scanned for the shapes secrets have: LWA tokens
(`Atza|`, `Atzr|`), LWA client secrets (`amzn1.oa2-cs.`), sellerlink API keys (`slk_`),
webhook secrets (`whsec_`), JWTs, bearer credentials, and the OAuth parameters of a URL or
form (`code=`, `state=`, `client_secret=`, ...). Canary tests (tests/unit/telemetry) push
real secrets from a full walk through every logger and find none in the output.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from typing import Any

REDACTED = "[redacted]"

_SECRET_KEYS = re.compile(
    r"(?i)^(authorization|cookie|set-cookie|password|passwd|secret|client_secret|"
    r"refresh_token|access_token|id_token|token|api_key|code|code_verifier|state|"
    r"webhook_secret|signing_secret|x-amz-access-token)$"
)

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # LWA access and refresh tokens, and client secrets.
    (re.compile(r"Atz[ar]\|[^\s\"'&,;)\]}]+"), REDACTED),
    (re.compile(r"amzn1\.oa2-cs\.[^\s\"'&,;)\]}]+"), REDACTED),
    # sellerlink API keys and webhook signing secrets.
    (re.compile(r"\bslk_[A-Za-z0-9_\-]{6,}"), REDACTED),
    (re.compile(r"\bwhsec_[A-Za-z0-9+/=_\-]{6,}"), REDACTED),
    # JWTs (sellerlink's dev tokens, an identity provider's).
    (re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"), REDACTED),
    # `Authorization: Bearer x`, `Basic x`.
    (re.compile(r"(?i)\b(bearer|basic)\s+[^\s\"',;]+"), r"\1 " + REDACTED),
    # OAuth parameters in a URL, a form body or a repr: code, state, tokens, secrets.
    (
        re.compile(
            r"(?i)\b(code|state|refresh_token|access_token|client_secret|code_verifier|"
            r"spapi_oauth_code|token|secret)(=|:\s*|\"\s*:\s*\"|'\s*:\s*')(?!\[redacted\])"
            r"([^\s&\"',;)\]}]+)"
        ),
        r"\1\2" + REDACTED,
    ),
)


# Every pattern above needs one of these words; most log values (paths, ids, times) have
# none, and skip the patterns after one cheap search.
_TRIGGER = re.compile(
    r"(?i)atz[ar]\||amzn1\.oa2|slk_|whsec_|eyj|bearer|basic|code|state|token|secret"
)


def redact_text(text: str) -> str:
    if not _TRIGGER.search(text):
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redact(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if depth > 4:
        return value
    if isinstance(value, Mapping):
        return {
            k: REDACTED if _is_secret_key(k) else _redact(v, depth + 1) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_redact(v, depth + 1) for v in value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact_text(str(value))


def _is_secret_key(key: object) -> bool:
    return isinstance(key, str) and bool(_SECRET_KEYS.match(key))


def redact_event(
    _logger: object, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: runs after exception formatting, before rendering."""
    for key in list(event_dict):
        if key.startswith("_"):
            continue
        if _is_secret_key(key):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _redact(event_dict[key])
    return event_dict
