"""Logs: JSON lines off a terminal, console on one, a redaction step that no
secret gets past (canaries pushed through every way a line is made), and Alembic's chatter
kept off the screen so `make run`'s banner stays readable."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from adapters.persistence import Keyring, SqlDatabase
from adapters.telemetry.logs import choose_format
from tests.fixtures import json_logs

CANARIES = {
    "lwa_access": "Atza|IwEBcanaryAccessToken0123456789",
    "lwa_refresh": "Atzr|IwEBcanaryRefreshToken0123456789",
    "client_secret": "amzn1.oa2-cs.v1.0123456789abcdefcanary",
    "api_key": "slk_canaryApiKey0123456789abcdef",
    "webhook_secret": "whsec_Y2FuYXJ5V2ViaG9va1NlY3JldA==",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5",
    "auth_code": "RHcanaryAuthorizationCode0123",
    "oauth_state": "canaryOauthState_0123456789abcdefghij",
}


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    with json_logs("DEBUG") as stream:
        yield stream


def test_no_canary_gets_through_any_kind_of_log_call(captured: io.StringIO) -> None:
    c = CANARIES
    log = logging.getLogger("sellerlink.test")
    log.info("refreshing with %s", c["lwa_refresh"])
    log.info("token answer %s", {"access_token": c["lwa_access"], "expires_in": 3600})
    log.warning(
        "callback",
        extra={
            "path": f"/oauth/sp-api/callback?spapi_oauth_code="
            f"{c['auth_code']}&state={c['oauth_state']}"
        },
    )
    log.info("form body grant_type=refresh_token&client_secret=%s", c["client_secret"])
    log.info("headers", extra={"headers": {"Authorization": f"Bearer {c['jwt']}"}})
    log.info("a key was used: %s", c["api_key"])
    log.info("webhook signing", extra={"secret": c["webhook_secret"]})
    log.info("repr %r", {"state": c["oauth_state"], "code": c["auth_code"]})
    try:
        raise RuntimeError(f"unexpected answer for {c['lwa_access']} and {c['api_key']}")
    except RuntimeError:
        log.exception("job failed")
    structlog.get_logger("sellerlink.test").info(
        "structured", webhook_secret=c["webhook_secret"], nested={"token": c["jwt"]}
    )
    # uvicorn's access-log record shape (client, method, path, version, status)
    logging.getLogger("uvicorn.error").error(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000", "GET", f"/oauth/amazon-ads/callback?code={c['auth_code']}", "1.1", 500,
    )  # fmt: skip
    text = captured.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 11, "every call made exactly one line"
    leaked = [name for name, value in CANARIES.items() if value in text]
    assert leaked == []
    assert "[redacted]" in text
    assert any("RuntimeError" in line.get("exception", "") for line in lines), "traceback kept"


def test_json_lines_off_a_terminal_and_console_on_one() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert choose_format(None, io.StringIO()) == "json"
    assert choose_format(None, Tty()) == "console"
    assert choose_format("console", io.StringIO()) == "console"
    assert choose_format("JSON", Tty()) == "json"
    with pytest.raises(ValueError, match="json, console"):
        choose_format("xml", io.StringIO())


def test_a_line_says_when_how_bad_who_and_what_first(captured: io.StringIO) -> None:
    logging.getLogger("sellerlink.jobs").info("job", extra={"job": "refresh_token"})
    line = json.loads(captured.getvalue())
    assert list(line)[:4] == ["at", "level", "logger", "message"]
    assert line["job"] == "refresh_token"


def test_migrations_do_not_bury_the_banner(captured: io.StringIO, tmp_path: Path) -> None:
    database = SqlDatabase(f"sqlite:///{tmp_path / 'x.db'}", Keyring.generate("k1"))
    database.upgrade()
    database.dispose()
    assert "Running upgrade" not in captured.getvalue()
    assert captured.getvalue() == ""
