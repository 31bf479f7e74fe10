"""The sandbox's getMarketplaceParticipations answers are valid against Amazon's published
Sellers model (models/sellers.json, see models/README.md) for every scenario, and its error
answers have the model's `errors` shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft4Validator

from adapters.amazon.sandbox import SCENARIOS
from domain.grant import Channel
from tests.contract.amazon.sandbox_helpers import Amazon

MODEL = json.loads((Path(__file__).parent / "models" / "sellers.json").read_text())


def _validator(definition: str) -> Draft4Validator:
    schema = {"$ref": f"#/definitions/{definition}", "definitions": MODEL["definitions"]}
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


RESPONSE = _validator("GetMarketplaceParticipationsResponse")


def _participations(amazon: Amazon, account: str) -> httpx.Response:
    code = amazon.sp_code(account)[1]
    tokens = amazon.http.post(
        f"{amazon.base}/auth/o2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": amazon.settings.sp_api_redirect_uri,
            "client_id": amazon.settings.client_id(Channel.SP_API),
            "client_secret": amazon.settings.client_secret(Channel.SP_API).reveal(),
        },
    ).json()
    return amazon.http.get(
        f"{amazon.base}/sellers/v1/marketplaceParticipations",
        headers={"x-amz-access-token": tokens["access_token"]},
    )


def _errors(body: Any) -> list[str]:
    return [e.message for e in RESPONSE.iter_errors(body)]


@pytest.mark.parametrize("account", sorted(set(SCENARIOS) - {"denying-user"}))
def test_participations_are_valid_against_amazons_sellers_model(
    amazon: Amazon, account: str
) -> None:
    response = _participations(amazon, account)
    assert _errors(response.json()) == []
    if response.status_code == 200:
        assert response.headers["x-amzn-RateLimit-Limit"] == "0.016"
    else:
        assert response.json()["errors"][0]["code"] == "Unauthorized"


def test_the_model_check_can_fail() -> None:
    broken = {"payload": [{"marketplace": {"id": "X", "countryCode": "GBR"}, "participation": {}}]}
    assert len(_errors(broken)) >= 3


def test_throttled_and_refused_answers_have_the_models_error_shape(amazon: Amazon) -> None:
    refused = amazon.http.get(
        f"{amazon.base}/sellers/v1/marketplaceParticipations",
        headers={"x-amz-access-token": "Atza|not-issued"},
    )
    assert refused.status_code == 403
    assert _errors(refused.json()) == []
    assert "x-amzn-RateLimit-Limit" not in refused.headers
    amazon.faults({"kind": "throttle", "target": "sp_api", "count": 1})
    throttled = _participations(amazon, "us-seller")
    assert throttled.status_code == 429
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert _errors(throttled.json()) == []
