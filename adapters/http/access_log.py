"""Access logs without OAuth secrets: the callback's query string carries the authorization
code and the state, so it never reaches a log line (AMAZON.md; RFC 6749 §10.5)."""

from __future__ import annotations

import logging

from adapters.http.browser import CALLBACK_PATHS

ACCESS_LOGGER = "uvicorn.access"


def redact_path(path: str) -> str:
    base, sep, _query = path.partition("?")
    if sep and base.rstrip("/") in CALLBACK_PATHS:
        return f"{base}?[redacted]"
    return path


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
