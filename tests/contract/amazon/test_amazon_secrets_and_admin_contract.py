"""Secrets never leak (canary values are looked for in logs, exception messages and reprs;
the sandbox's request log is redacted), and the sandbox's admin endpoints work."""

from __future__ import annotations

import logging
import random

import attrs
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from adapters.amazon import AmazonHttpGateway, AmazonSettings
from adapters.amazon.sandbox import SandboxClock
from application.ports import ListingsBatch, ListingUpdate
from domain.connection import Region
from domain.errors import DomainError
from domain.grant import Channel
from domain.secret import Secret
from tests.contract.amazon.sandbox_helpers import VERIFIER, Amazon

CANARY_SP_SECRET = "CANARY-sp-client-secret-7f3a"
CANARY_ADS_SECRET = "CANARY-ads-client-secret-91bc"


def _everything_said(error: BaseException) -> str:
    return " ".join([str(error), repr(error), repr(getattr(error, "context", {}))])


def test_no_token_or_secret_reaches_logs_messages_or_reprs(
    amazon: Amazon, settings: AmazonSettings, clock: SandboxClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Canary secrets are registered with the sandbox and real tokens issued; then every
    error path is driven and everything the adapter said (exception messages, reprs,
    contexts, every log record at DEBUG) is searched for them."""
    canary = attrs.evolve(
        settings,
        sp_api_client_secret=Secret(CANARY_SP_SECRET),
        ads_client_secret=Secret(CANARY_ADS_SECRET),
    )
    amazon.sandbox.settings = canary
    sp_code = amazon.sp_code("us-seller")[1]
    ads_code = amazon.ads_code("us-seller", challenge=create_s256_code_challenge(VERIFIER))
    caplog.clear()  # the browser's own requests above carry the codes, as they must
    caplog.set_level(logging.DEBUG)
    gateway = AmazonHttpGateway(canary, clock=clock.now, sleep=clock.sleep, rng=random.Random(1))
    said: list[str] = [repr(gateway), repr(canary)]
    try:
        sp = gateway.exchange_code(Channel.SP_API, Region.NA, sp_code)
        ads = gateway.exchange_code(Channel.ADS, Region.NA, ads_code, Secret(VERIFIER))
        said += [repr(sp), repr(ads)]
        failures = [
            lambda: gateway.exchange_code(Channel.ADS, Region.NA, ads_code, Secret(VERIFIER)),
            lambda: gateway.list_profiles(Region.NA, sp.access_token),
            lambda: gateway.marketplace_participations(Region.NA, ads.access_token),
            lambda: gateway.set_up_marketplace(
                Region.NA, sp.access_token, "A1SBXUSSELLER01", "A1PA6795UKMFR9"
            ),
            lambda: gateway.send_listing_updates(
                ListingsBatch(
                    Region.NA, ads.access_token, "A1SBXUSSELLER01", [ListingUpdate("S", "X", 1)]
                )
            ),
            lambda: gateway.refresh_access_token(Channel.SP_API, Region.NA, Secret("Atzr|bad")),
        ]
        for failing in failures:
            with pytest.raises(DomainError) as caught:
                failing()
            said.append(_everything_said(caught.value))
        for fault in ("server_error", "non_json", "throttle", "no_error_key"):
            amazon.faults({"kind": fault, "target": "lwa"})
            with pytest.raises(DomainError) as caught:
                gateway.refresh_access_token(Channel.ADS, Region.NA, ads.refresh_token)
            said.append(_everything_said(caught.value))
        amazon.faults()
        amazon.admin("revoke", {"refresh_token": sp.refresh_token.reveal()})
        with pytest.raises(DomainError) as caught:
            gateway.refresh_access_token(Channel.SP_API, Region.NA, sp.refresh_token)
        said.append(_everything_said(caught.value))
        said.append(caplog.text)
        said.append(amazon.admin("requests").text)
    finally:
        gateway.close()
    text = "\n".join(said)
    secrets = [
        CANARY_SP_SECRET,
        CANARY_ADS_SECRET,
        VERIFIER,
        sp_code,
        ads_code,
        sp.refresh_token.reveal(),
        sp.access_token.reveal(),
        ads.refresh_token.reveal(),
        ads.access_token.reveal(),
    ]
    for secret in secrets:
        assert secret not in text
    # The search can fail: the adapter did talk (and log) while carrying these secrets.
    assert "HTTP Request: POST" in caplog.text
    assert text.count("[redacted]") >= 10


def test_the_request_log_records_what_came_in_with_secrets_redacted(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    _, code = amazon.sp_code("us-seller")
    grant = gateway.exchange_code(Channel.SP_API, Region.NA, code)
    gateway.marketplace_participations(Region.NA, grant.access_token)
    items = amazon.admin("requests").json()["items"]
    token_call = next(i for i in items if i["path"].endswith("/auth/o2/token"))
    assert token_call["form"]["grant_type"] == "authorization_code"
    assert token_call["form"]["code"] == "[redacted]"
    assert token_call["form"]["client_secret"] == "[redacted]"
    assert token_call["form"]["client_id"] == amazon.settings.sp_api_client_id
    consent = next(i for i in items if i["family"] == "consent")
    assert consent["method"] == "POST"
    assert items[-1]["headers"]["x-amz-access-token"] == "[redacted]"
    assert items[-1]["status"] == 200
    assert code not in amazon.admin("requests").text


def test_reset_forgets_tokens_codes_faults_and_the_log(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    grant = gateway.exchange_code(Channel.ADS, Region.NA, amazon.ads_code("us-seller"))
    amazon.faults({"kind": "server_error", "target": "sp_api"})
    assert amazon.admin("reset").json() == {"reset": True}
    assert amazon.admin("requests").json()["items"] == []
    assert amazon.sandbox.faults == []
    with pytest.raises(DomainError):
        gateway.refresh_access_token(Channel.ADS, Region.NA, grant.refresh_token)


def test_the_clock_moves_only_forward(amazon: Amazon) -> None:
    before = amazon.http.get(f"{amazon.base}/_admin/clock").json()["now"]
    after = amazon.admin("clock", {"advance_seconds": 86400}).json()["now"]
    assert after > before
    assert amazon.admin("clock", {"advance_seconds": -1}).status_code == 400


def test_bad_admin_input_is_refused(amazon: Amazon) -> None:
    assert amazon.admin("faults", {"faults": [{"kind": "meteor"}]}).status_code == 400
    assert amazon.admin("faults", {"faults": [{"kind": "throttle", "rate": 2}]}).status_code == 400
    assert amazon.admin("revoke", {}).status_code == 400


def test_a_fault_rate_applies_to_about_that_share_of_requests(amazon: Amazon) -> None:
    amazon.admin("faults", {"server_error_rate": 0.3, "target": "ads"})
    statuses = [amazon.http.get(f"{amazon.base}/v2/profiles").status_code for _ in range(100)]
    failed = statuses.count(503)
    assert 12 < failed < 50
    assert statuses.count(401) == 100 - failed
