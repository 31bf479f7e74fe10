"""Access logs without OAuth secrets: the callback's query string carries the authorization
code and the state, the polling route and the bounce to Amazon have the state in their path,
and a connect link its token, so none reaches a log line (AMAZON.md; RFC 6749 §10.5)."""

from __future__ import annotations

import logging
import re

from adapters.http.browser import CALLBACK_PATHS

ACCESS_LOGGER = "uvicorn.access"


# The polling route and the bounce to Amazon name the state in their path; a connect link
# carries its session token there (hosted.py). The hosted pages (/connect/s/<id>) and their
# assets carry no secret.
_STATE_IN_PATH = re.compile(r"^(/api/v1/connections/authorizations/|/connect/authorize/)[^/?]+")
_TOKEN_IN_PATH = re.compile(r"^(/connect/)(?!s/|static/|authorize/)[^/?]+")


def redact_path(path: str) -> str:
    base, sep, _query = path.partition("?")
    if sep and base.rstrip("/") in CALLBACK_PATHS:
        return f"{base}?[redacted]"
    return _TOKEN_IN_PATH.sub(r"\1[redacted]", _STATE_IN_PATH.sub(r"\1[redacted]", path))


class RedactCallbackQuery(logging.Filter):
    """Rewrites uvicorn's access-log record (args: client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_path(args[2]), *args[3:])
        return True


def redact_callback_queries(logger_name: str = ACCESS_LOGGER) -> None:
    """Install the filter once on the access logger (idempotent)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactCallbackQuery) for f in logger.filters):
        logger.addFilter(RedactCallbackQuery())
