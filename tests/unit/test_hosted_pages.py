"""The hosted flow's pages keep the promise of the error catalogue: every fix that says
"Click X" shows a button named X, wherever the error is shown (seed 002's
"Connect Different Account" and "Refresh")."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from adapters.http.hosted_pages import render_flow
from application.connect_sessions import CreateConnectSessionCommand
from application.hosted import HostedStep
from domain.connection import AccountType, Region
from domain.errors import CATALOGUE, ErrorCode
from domain.grant import Channel
from domain.team import Plan
from tests.world import World

BROWSER = "the-persons-browser-0123456789"
SHOWN_IN_THE_FLOW = [
    ErrorCode.WRONG_ACCOUNT,
    ErrorCode.ACCOUNT_IN_USE,
    ErrorCode.ADS_SP_MISMATCH,
    ErrorCode.TOKEN_REVOKED,
    ErrorCode.TOKEN_EXPIRED,
    ErrorCode.AUTHORIZATION_DENIED,
    ErrorCode.SESSION_EXPIRED,
    ErrorCode.OAUTH_STATE_INVALID,
    ErrorCode.RETRY_LIMIT_EXCEEDED,
    ErrorCode.ADVERTISING_NOT_ENABLED,
]


class _Buttons(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.labels: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "button" or (tag == "a" and ("class", "button secondary") in attrs)
        if self._inside:
            self.labels.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.labels[-1] += data.strip()


def _named_buttons(code: ErrorCode) -> list[str]:
    named = []
    for step in CATALOGUE[code].remediation:
        for match in re.finditer(r"\bClick ([A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*)", step):
            if "failed marketplace" not in step:  # Retry sits on the failed marketplace's row
                named.append(match.group(1))
    return named


def _session(world: World) -> str:
    created = world.app.create_connect_session(CreateConnectSessionCommand(world.actor()))
    return world.app.open_connect_session(created.token, BROWSER).session_id


def _with_error(world: World, session_id: str, code: ErrorCode) -> str:
    with world.app.ports.uow() as uow:
        session = uow.connect_sessions.get(session_id)
        assert session is not None
        session.last_error = str(code)
        uow.connect_sessions.update(session)
        uow.commit()
    view = world.app.hosted.view(session_id, BROWSER)
    return render_flow(view, f"/connect/s/{session_id}")


@pytest.fixture
def connected(world: World) -> tuple[World, str]:
    world.create_team("Acme", plan=Plan.PRO)
    session_id = _session(world)
    flow = world.app.hosted
    for channel, kind in ((Channel.ADS, AccountType.SELLER), (Channel.SP_API, None)):
        started = flow.authorize(
            session_id,
            BROWSER,
            channel=channel,
            account_type=kind,
            region=Region.NA,
            return_to="/x",
        )
        assert started is not None
        consent = world.open_consent(started, BROWSER)
        world.browser = BROWSER
        world.callback(channel, world.amazon.consent(consent, "us-seller"))
    us = next(m for m in flow.view(session_id, BROWSER).marketplaces if m.country_code == "US")
    flow.select_marketplaces(session_id, BROWSER, [us.marketplace_id])
    world.run_setup(passes=5)
    assert flow.view(session_id, BROWSER).step is HostedStep.DONE
    return world, session_id


@pytest.mark.parametrize("code", SHOWN_IN_THE_FLOW)
def test_every_button_a_fix_names_is_on_the_page_before_connecting(
    world: World, code: ErrorCode
) -> None:
    world.create_team("Acme", plan=Plan.PRO)
    page = _with_error(world, _session(world), code)
    parser = _Buttons()
    parser.feed(page)
    for name in _named_buttons(code):
        assert name in parser.labels, (code, name, parser.labels)
    assert f'href="/errors/{code}"' in page
    assert CATALOGUE[code].message in page


@pytest.mark.parametrize("code", SHOWN_IN_THE_FLOW)
def test_every_button_a_fix_names_is_on_the_page_of_a_connected_account(
    connected: tuple[World, str], code: ErrorCode
) -> None:
    world, session_id = connected
    page = _with_error(world, session_id, code)
    parser = _Buttons()
    parser.feed(page)
    for name in _named_buttons(code):
        assert name in parser.labels, (code, name, parser.labels)
    assert len([b for b in parser.labels if b.startswith("Finish")]) == 1


def test_the_retry_limit_says_support_has_been_told(world: World) -> None:
    world.create_team("Acme", plan=Plan.PRO)
    page = _with_error(world, _session(world), ErrorCode.RETRY_LIMIT_EXCEEDED)
    assert "Retry limit reached &mdash; support has been told." in page
    assert ">Retry</button>" not in page
