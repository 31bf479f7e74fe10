"""Logs as JSON lines (or a console layout on a terminal), one pipeline for every logger.

structlog renders; the standard library's loggers (sellerlink's own, uvicorn's, alembic's,
procrastinate's, httpx's) are routed through the same processors, so every line has the
same shape, carries the request id bound for the request or job, and passes the redaction
step last. Alembic's per-migration INFO lines and uvicorn's start-up chatter are kept at
WARNING so `make run`'s banner stays on screen; uvicorn's own access log is off, because the
web adapter writes one line per request with more in it (route, team, connection, outcome).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import IO, Any

import structlog

from adapters.telemetry.redaction import redact_event

FORMATS = ("json", "console")
# Chatter that buries the banner, and loggers whose INFO is per-request noise.
QUIET = {
    "alembic": logging.WARNING,
    "alembic.runtime.migration": logging.WARNING,
    "uvicorn": logging.WARNING,
    "uvicorn.error": logging.WARNING,
    "uvicorn.access": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "procrastinate": logging.WARNING,
}


def choose_format(setting: str | None, stream: IO[str] | None = None) -> str:
    """`SELLERLINK_LOG_FORMAT` wins; else console on a terminal, JSON lines otherwise."""
    if setting:
        value = setting.strip().lower()
        if value not in FORMATS:
            raise ValueError(f"SELLERLINK_LOG_FORMAT must be one of {', '.join(FORMATS)}")
        return value
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    return "console" if callable(isatty) and isatty() else "json"


def _shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="at"),
        structlog.stdlib.ExtraAdder(),
    ]


def configure_logging(
    *, level: str = "INFO", fmt: str | None = None, stream: IO[str] | None = None
) -> str:
    """Installs the pipeline on the root logger (idempotent: replaces its handlers) and
    returns the format chosen."""
    stream = stream or sys.stderr
    chosen = choose_format(fmt, stream)
    renderer: Any = (
        structlog.processors.JSONRenderer(sort_keys=False)
        if chosen == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared = _shared_processors()
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _rename_event,
            redact_event,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.set_name("sellerlink")
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name, quiet_level in QUIET.items():
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
        logger.setLevel(max(quiet_level, root.level))
    return chosen


_FIRST = ("at", "level", "logger", "message")


def _rename_event(
    _logger: object, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """`message` reads better than structlog's `event` for people grepping JSON lines, and
    every line starts with when, how bad, who and what."""
    if "event" in event_dict:
        event_dict["message"] = event_dict.pop("event")
    event_dict.pop("color_message", None)  # uvicorn's ANSI twin of the message
    first = {k: event_dict.pop(k) for k in _FIRST if k in event_dict}
    return {**first, **event_dict}


def bind_context(**values: str) -> None:
    """Fields every line logged from here on (in this thread or task) carries."""
    structlog.contextvars.bind_contextvars(**{k: v for k, v in values.items() if v})


def clear_context() -> None:
    structlog.contextvars.clear_contextvars()
