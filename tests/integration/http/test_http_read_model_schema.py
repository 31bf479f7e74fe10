"""The read models are served from one definition (application/views.py): the OpenAPI schema
is built from the attrs classes with each field's description, and the body the API sends
validates against it."""

from __future__ import annotations

from typing import Any

import attrs
import jsonschema
from litestar import Litestar
from litestar.testing import TestClient

from application import marketplace_views, sku_explanation, views
from harness.driver import Api

READ_MODELS = [
    getattr(module, name)
    for module in (views, marketplace_views, sku_explanation)
    for name in dir(module)
    if attrs.has(getattr(module, name)) and getattr(module, name).__module__ == module.__name__
]


def _schemas(client: TestClient[Litestar]) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/schema/openapi.json").json()
    return document["components"]["schemas"]


def test_every_read_model_property_is_described(client: TestClient[Litestar]) -> None:
    schemas = _schemas(client)
    shown = [m for m in READ_MODELS if m.__name__ in schemas]
    assert {"ConnectionView", "MarketplaceView", "TransitionView", "SkuExplanation"} <= {
        m.__name__ for m in shown
    }
    undescribed = [
        f"{m.__name__}.{name}"
        for m in shown
        for name, prop in schemas[m.__name__]["properties"].items()
        if not prop.get("description")
    ]
    assert undescribed == []
    assert all(schemas[m.__name__].get("description") for m in shown)


def test_a_connection_as_sent_matches_its_schema(api: Api, client: TestClient[Litestar]) -> None:
    team = api.create_team("Acme")
    cid = api.connect(team["owner"], "us-seller")["connection"]["id"]
    body = api.ok("GET", f"/api/v1/connections/{cid}", team["owner"])
    document = client.get("/schema/openapi.json").json()
    schema = {"$ref": "#/components/schemas/ConnectionView", "components": document["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)
    assert body["grants"][0]["status_text"]
    assert body["created_at"].endswith("Z")
