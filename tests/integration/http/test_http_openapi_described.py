"""The OpenAPI document explains itself (DESIGN §14, issue 19): every operation and every
property of every schema has a description, and every request body an example. A field or
route added without one fails here (adapters/http/glossary.py is where meanings live)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from bootstrap.serve import build_server_app

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def document(web_app: Litestar) -> dict[str, Any]:
    with TestClient(web_app) as client:
        answer = client.get("/schema/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def _undescribed_properties(document: dict[str, Any]) -> list[str]:
    missing = []
    for name, schema in document["components"]["schemas"].items():
        for key, prop in (schema.get("properties") or {}).items():
            if not (prop.get("description") or "").strip():
                missing.append(f"{name}.{key}")
    return missing


def test_every_property_of_every_schema_is_described(document: dict[str, Any]) -> None:
    assert _undescribed_properties(document) == []


def test_every_operation_is_summarised_and_described(document: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS and not (operation.get("summary") and operation.get("description"))
    ]
    assert missing == []


def test_every_request_body_has_an_example(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    missing = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            for media in content.values():
                body = media.get("schema", {})
                targets = [body, *body.get("oneOf", [])]
                refs = [t["$ref"].rsplit("/", 1)[-1] for t in targets if "$ref" in t]
                examples = [schemas.get(r, {}).get("examples") for r in refs]
                if not (media.get("examples") or body.get("examples") or any(examples)):
                    missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_the_embedded_products_document_is_described_too(container: Any) -> None:
    """`sellerlink serve` adds the sandbox and the demo after the API is built."""
    with TestClient(build_server_app(container)) as client:
        document = client.get("/schema/openapi.json").json()
    assert _undescribed_properties(document) == []


def test_the_openapi_ui_needs_no_internet(web_app: Litestar) -> None:
    with TestClient(web_app) as client:
        page = client.get("/schema")
        assert page.status_code == 200
        loaded = re.findall(r"""(?:src|href)=["']([^"']+)""", page.text)
        assert loaded
        assert [url for url in loaded if not url.startswith("/")] == []
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
            assert f"/schema-assets/{asset}" in page.text
            assert client.get(f"/schema-assets/{asset}").status_code == 200
