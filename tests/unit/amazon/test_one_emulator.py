"""Unit tests and features run on the sandbox itself (in-process behind the gateway), so
they meet the scenario accounts and the refusals an HTTP client meets."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.amazon.sandbox.in_process import InProcessAmazon
from adapters.amazon.sandbox.routes import SandboxRequest, complete, prepare
from adapters.amazon.sandbox.scenarios import SCENARIOS
from application.ports import ConsentRequest
from bootstrap.system import SettableClock
from domain.authorization import ConsentAsk
from domain.connection import AccountType, Region
from domain.errors import TokenRevoked
from domain.grant import Channel
from domain.secret import Secret

SANDBOX_DIR = Path(__file__).resolve().parents[3] / "adapters" / "amazon" / "sandbox"


def _grant(amazon: InProcessAmazon, account: str, channel: Channel) -> str:
    url = amazon.consent_url(
        ConsentRequest(ConsentAsk(channel, Region.NA, AccountType.VENDOR), state="s" * 43)
    )
    query = amazon.consent(url, account)
    code = query.get("code") or query["spapi_oauth_code"]
    return amazon.exchange_code(channel, Region.NA, code).access_token.reveal()


def test_a_vendors_ads_token_is_refused_on_the_selling_partner_api() -> None:
    amazon = InProcessAmazon(SettableClock())
    ads_token = _grant(amazon, "vendor", Channel.ADS)
    with pytest.raises(TokenRevoked):
        amazon.marketplace_participations(Region.NA, Secret(ads_token))


def test_the_consent_page_reports_the_scenario_tables_selling_partner_id() -> None:
    amazon = InProcessAmazon(SettableClock())
    url = amazon.consent_url(
        ConsentRequest(ConsentAsk(Channel.SP_API, Region.NA, AccountType.SELLER), "s" * 43)
    )
    query = amazon.consent(url, "us-seller")
    assert query["selling_partner_id"] == SCENARIOS["us-seller"].selling_partner_id


def test_an_unknown_path_answers_amazons_error_list() -> None:
    amazon = InProcessAmazon(SettableClock())
    request = SandboxRequest("GET", "/orders/v0/nowhere")
    reply = complete(amazon.sandbox, request, prepare(amazon.sandbox, request))
    assert reply.status == 404
    assert reply.body["errors"][0]["code"] == "NotFound"
    assert "x-amzn-RequestId" in reply.headers


def test_no_sandbox_module_is_over_400_lines() -> None:
    sizes = {p.name: len(p.read_text().splitlines()) for p in SANDBOX_DIR.glob("*.py")}
    assert max(sizes.values()) <= 400, sizes
